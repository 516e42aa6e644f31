import uuid

from .changelog import change_context
from .choices import ChangeSource


class ChangeContextMiddleware:
    """Tags every change made while serving a request with its user, source and request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith("/api/"):
            source = ChangeSource.API
        elif path.startswith("/admin/"):
            source = ChangeSource.ADMIN
        else:
            source = ChangeSource.WEB
        user = getattr(request, "user", None)
        with change_context(user=user, source=source, request_id=str(uuid.uuid4())):
            return self.get_response(request)
