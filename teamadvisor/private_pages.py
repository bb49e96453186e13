"""Pages at a private link are the client's alone: no shared cache (a proxy,
a CDN) may keep them, and the browser does not store them either."""

from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None and "token" in match.kwargs:
            patch_cache_control(response, private=True, no_store=True)
        return response
