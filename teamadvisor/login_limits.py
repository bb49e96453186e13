"""Admin login limits on top of django-axes: three counts, each with its own
limit, all cooled off after AXES_COOLOFF_TIME.

- a username from one address (AXES_FAILURE_LIMIT, 5): a consultant's typos;
- a username from any address (20): a password guessed from many addresses;
- an address over any usernames (20): many accounts tried from one place.

axes compares the largest of its counts with one limit; this handler scales
each count to that limit instead. A lockout lasts the cool-off, never for
ever, so an attacker can keep a consultant out for an hour at most per burst
of failures, and axes logs each lockout (logger "axes", WARNING) and keeps the
attempts in the admin ("Access attempts").
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def limits() -> list[int]:
    """In the order of settings.AXES_LOCKOUT_PARAMETERS."""
    return [
        settings.AXES_FAILURE_LIMIT,
        settings.TEAMADVISOR_LOGIN_FAILURES_PER_USERNAME,
        settings.TEAMADVISOR_LOGIN_FAILURES_PER_ADDRESS,
    ]


class ScaledLimitsHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The failures counted against AXES_FAILURE_LIMIT: the count that is
        nearest its own limit, scaled to that one."""
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        base = settings.AXES_FAILURE_LIMIT
        return max(
            count * base // limit for count, limit in zip(counts, limits(), strict=True)
        )
