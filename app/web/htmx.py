"""htmx helpers: one URL, one template; fragments for htmx requests, whole pages otherwise."""

from collections.abc import Sequence

from flask import Response, current_app, make_response, redirect, render_template, request
from jinja2_fragments.flask import render_blocks


def is_fragment_request() -> bool:
    """True for an htmx request that swaps part of a page (not a boosted or history-restore request)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_block(template: str, block: str | Sequence[str], status: int = 200, **context) -> Response:
    """Render the whole page, or only ``block`` of the same template for an htmx request. Always varies on it.

    ``block`` may be several blocks, rendered one after the other: the part swapped in, then out-of-band parts
    (a count, a status) that the change also touches elsewhere on the page. Blocks at the top level of a page
    template that its layout never names are drawn only this way, never in the whole page. A block may also be one
    the page's layout defines and the page fills (the form layout's form_column).
    """
    if is_fragment_request():
        body = _render_blocks(template, [block] if isinstance(block, str) else list(block), context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.headers["Vary"] = "HX-Request"
    return response


def _render_blocks(template: str, blocks: list[str], context: dict) -> str:
    page = current_app.jinja_env.get_template(template)
    if all(name in page.blocks for name in blocks):
        return render_blocks(template, blocks, **context)
    # A block of the page's layout: run the page's top level as a whole render does until its first output. By then
    # every layout it extends has registered its blocks (beside the page's own) and the page has set its variables.
    current_app.update_template_context(context)
    whole = page.new_context(context)
    opening = page.root_render_func(whole)
    next(opening, None)
    opening.close()
    return "".join(current_app.jinja_env.concat(whole.blocks[name][0](whole)) for name in blocks)


def redirect_after_post(url: str) -> Response:
    """303 See Other for a normal post; 204 with HX-Redirect for an htmx post."""
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)
