"""The web layer: one blueprint per subject, glue between the store, the renderers and HTTP."""


def register(app):
    """Converters, error pages and every blueprint, in the order their request hooks need."""
    from . import (alerts, api, auth, bodies, background, boundaries, citizen, dialogue, dialogue_planner,  # noqa: F401
                   dialogue_room, errors, exports, ogc, pages, planner, planner_writes, presenter, report_review,
                   review)  # (planner_writes and report_review add their routes to planner.bp)
    from .converters import IdConverter, SlugConverter
    app.url_map.converters["slug"] = SlugConverter
    app.url_map.converters["int"] = IdConverter
    errors.init_app(app)
    bodies.init_app(app)  # first of the request hooks: before CSRFProtect reads a form
    for blueprint in (pages.bp, api.bp, citizen.bp, exports.bp, ogc.bp):
        app.register_blueprint(blueprint)
    auth.init_app(app)
    alerts.init_app(app)  # after auth: it uses the CSRF protection and the limiter made there
    for blueprint in (planner.bp, planner.files, presenter.bp, review.bp, background.bp, boundaries.bp,
                      dialogue_room.bp, dialogue_planner.bp):
        app.register_blueprint(blueprint)
    dialogue.init_app(app)  # after auth: the phones' answers are rate-limited by its limiter
