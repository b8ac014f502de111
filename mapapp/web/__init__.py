"""The web layer: one blueprint per subject, glue between the store, the renderers and HTTP."""


def register(app):
    """Converters, error pages and every blueprint, in the order their request hooks need."""
    from . import (api, auth, background, boundaries, citizen, errors, exports, ogc, pages, planner,  # noqa: F401
                   planner_writes, presenter, report_review, review)  # (planner_writes, report_review add routes)
    from .converters import SlugConverter
    app.url_map.converters["slug"] = SlugConverter
    errors.init_app(app)
    for blueprint in (pages.bp, api.bp, citizen.bp, exports.bp, ogc.bp):
        app.register_blueprint(blueprint)
    auth.init_app(app)  # before the planner blueprints: its body limit runs before CSRFProtect reads a form
    for blueprint in (planner.bp, planner.files, presenter.bp, review.bp, background.bp, boundaries.bp):
        app.register_blueprint(blueprint)
