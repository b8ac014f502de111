"""Request bodies: one app-wide cap (MAX_CONTENT_LENGTH); more only on upload routes, and only for planners.

Runs first among the request hooks, before CSRFProtect or any view reads the body: a body larger than
the cap is refused (413) from its Content-Length without being read or parsed.
"""
from flask import current_app, request
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

# Room beside the file for the form's other fields and the multipart framing.
FORM_ROOM = 256 * 1024


def accepts_upload(largest):
    """Mark a view as an upload route: largest(app) is the biggest file (or pasted text) it takes."""
    def mark(view):
        view.upload_limit = largest
        return view
    return mark


def upload_limit(endpoint: str | None):
    """The callable giving the route's largest upload, or None for an ordinary route."""
    return getattr(current_app.view_functions.get(endpoint), "upload_limit", None)


def limit_body():
    """Raise the cap for a signed-in planner on an upload route; every other request keeps the app-wide one.

    A declared body over the cap is refused here, whether or not the view would have read it."""
    largest = upload_limit(request.endpoint)
    if largest is not None and current_user.is_authenticated and current_user.is_planner:
        size = largest(current_app)
        # Room for one over-size file, so the form itself can say it is too big; anything larger is a 413.
        request.max_content_length = 2 * size + FORM_ROOM
        request.max_form_memory_size = size + FORM_ROOM  # a pasted document is a form field, not a file
    cap = request.max_content_length
    if cap is not None and (request.content_length or 0) > cap:
        raise RequestEntityTooLarge()


def init_app(app):
    app.before_request_funcs.setdefault(None, []).insert(0, limit_body)
