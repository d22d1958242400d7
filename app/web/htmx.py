"""htmx helpers: one URL, one template; fragments for htmx requests, whole pages otherwise."""

from flask import Response, make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block


def is_fragment_request() -> bool:
    """True for an htmx request that swaps part of a page (not a boosted or history-restore request)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_block(template: str, block: str, status: int = 200, **context) -> Response:
    """Render the whole page, or only ``block`` of the same template for an htmx request. Always varies on it."""
    if is_fragment_request():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.headers["Vary"] = "HX-Request"
    return response


def redirect_after_post(url: str) -> Response:
    """303 See Other for a normal post; 204 with HX-Redirect for an htmx post."""
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)
