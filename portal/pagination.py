"""The one pagination helper of the HTML lists, and the query string their page links carry."""

from django.core.paginator import Page, Paginator


def paginate(request, items, size: int = 25, *, sizes: tuple[int, ...] = ()) -> Page:
    """The page of `items` that `?page=` asks for (the first for nonsense, the last past the end). With
    `sizes`, `?size=` picks one of them (the first for any other value), else the page holds `size` items."""
    if sizes:
        size = next((s for s in sizes if str(s) == request.GET.get("size")), sizes[0])
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_without_page(request, *also: str) -> str:
    """The request's query string without `page` (and the parameters `also`), for the links to other pages."""
    query = request.GET.copy()
    for key in ("page", *also):
        query.pop(key, None)
    return query.urlencode()
