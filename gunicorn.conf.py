"""gunicorn reads this file from the directory it starts in (see README,
Production). Command-line options (-w, -b) still apply on top."""

# Private-link tokens never reach the access log (teamadvisor/log_redaction.py).
logger_class = "teamadvisor.log_redaction.GunicornLogger"

# Threads, not one process per request: a sync worker cannot tell gunicorn it
# is alive while it streams a long CSV export, and is killed at the 30 s
# timeout; a thread worker's main loop keeps reporting while its threads
# serve, and one slow client holds a thread, not a whole worker.
worker_class = "gthread"
threads = 4

# Seconds an idle keep-alive connection is held open (gunicorn's default is
# 2): longer than the pause between a report and its PDF download, so that a
# client's next request does not race the server's close of its connection.
keepalive = 5
