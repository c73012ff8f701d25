from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views import View

from jobsite import pagecache
from jobsite.markdown import clean_text, markdown_to_text, render_markdown
from listings import stats
from listings.jsonld import absolute_url, job_posting_script
from listings.models import Company, Vacancy
from listings.search import PageOutOfRange, SearchParams, search
from listings.templatetags.vacancy_cards import cards_by_id

RELATED_COUNT = 5
RELATED_RADIUS_KM = 50
META_DESCRIPTION_LENGTH = 160


class _MailtoRedirect(HttpResponseRedirect):
    # Counting an e-mail application needs the same hop through our
    # endpoint as a link; the browser then opens the mail program.
    allowed_schemes = ["mailto"]


def related_vacancies(vacancy, *, count=RELATED_COUNT):
    """Cards of live vacancies of the same occupation around the vacancy's
    place (or, without an occupation, in that place), through the one
    search entry point, without the vacancy itself. The vacancy's City goes
    along, so the search does not look its name up again; only the ids are
    searched for, and only vacancies whose card is not kept are read."""
    params = SearchParams(
        occupation=vacancy.occupation.slug if vacancy.occupation_id else "",
        where=vacancy.city.slug,
        radius=RELATED_RADIUS_KM if vacancy.occupation_id else 0,
        sort="date",
    )
    try:
        result = search(
            params, page=1, per_page=count + 1, facets=False, count=False, place=vacancy.city, rows=False
        )
    except PageOutOfRange:
        return []
    ids = [pk for pk in result.ids if pk != vacancy.pk][:count]
    return cards_by_id(ids, "includes/vacancy_card.html", 3)


def meta_description(vacancy):
    facts = [vacancy.company.name, vacancy.city.name, *vacancy.get_employment_types_display()]
    text = f"{vacancy.title} – {', '.join(str(f) for f in facts)}. {markdown_to_text(vacancy.description)}"
    return Truncator(clean_text(text)).chars(META_DESCRIPTION_LENGTH)


class VacancyDetailView(View):
    def get(self, request, pk, slug=None):
        vacancy = get_object_or_404(Vacancy.objects.select_related("company", "city", "occupation"), pk=pk)
        if vacancy.published_at is None:
            # Never public: no redirect to its slug, which would tell the title.
            return self.gone(request, vacancy)
        # get_absolute_url writes "-" for an empty slug; compare with that
        # so an old vacancy without a slug does not redirect to itself.
        if slug != (vacancy.slug or "-"):
            return redirect(vacancy, permanent=True)
        if not vacancy.is_live:
            return self.gone(request, vacancy)
        stats.record_view(vacancy.pk)
        logo_url = absolute_url(vacancy.company.logo.url) if vacancy.company.logo else ""
        context = {
            "vacancy": vacancy,
            "canonical_url": absolute_url(vacancy.get_absolute_url()),
            "meta_description": meta_description(vacancy),
            "description_html": render_markdown(vacancy.description),
            "job_posting_script": job_posting_script(vacancy),
            "logo_url": logo_url,
            "related_cards": related_vacancies(vacancy),
        }
        response = render(request, "listings/vacancy_detail.html", context)
        # A page answered from the cache still counts as a view.
        return pagecache.cacheable(response, on_hit=("listings.stats.record_view", vacancy.pk))

    def gone(self, request, vacancy):
        # 410 tells search engines to drop the page for good; the visitor
        # still gets somewhere to go. A vacancy that never went live keeps
        # its title to itself (it may have been rejected for it).
        search_url = reverse("listings:vacancy_list")
        query = {"where": vacancy.city.where_value}
        if vacancy.occupation_id:
            query["q"] = vacancy.occupation.name
        context = {
            "vacancy": vacancy,
            "was_public": vacancy.published_at is not None,
            "related_cards": related_vacancies(vacancy),
            "search_url": f"{search_url}?{urlencode(query)}",
        }
        return render(request, "listings/vacancy_gone.html", context, status=410)


class ApplyView(View):
    """Counts the click, then sends the visitor only to the address stored
    with the vacancy: no URL from the request is ever followed."""

    def get(self, request, pk):
        vacancy = get_object_or_404(Vacancy.objects.select_related("company"), pk=pk)
        if not vacancy.is_live:
            return redirect(vacancy)
        url = vacancy.apply_url
        if url and url.lower().startswith(("http://", "https://")):
            response = HttpResponseRedirect(url)
        elif vacancy.apply_email:
            subject = _("Bewerbung: %(title)s") % {"title": clean_text(vacancy.title)}
            response = _MailtoRedirect(f"mailto:{vacancy.apply_email}?{urlencode({'subject': subject})}")
        else:
            raise Http404
        stats.record_apply_click(vacancy.pk)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class CompanyDetailView(View):
    paginate_by = 20

    def get(self, request, slug):
        company = get_object_or_404(Company.objects.select_related("city"), slug=slug)
        try:
            result = search(
                SearchParams(company=company.slug, sort="date"),
                page=request.GET.get("page") or 1,
                per_page=self.paginate_by,
                facets=False,
            )
        except PageOutOfRange as exc:
            raise Http404 from exc
        description = markdown_to_text(company.description) or _(
            "Offene Stellen bei %(name)s: alle aktuellen Stellenangebote auf einen Blick."
        ) % {"name": company.name}
        context = {
            "company": company,
            "vacancies": result.vacancies,
            "total": result.total,
            "page_obj": result.page,
            "canonical_url": absolute_url(company.get_absolute_url())
            + (f"?page={result.page.number}" if result.page.number > 1 else ""),
            "meta_description": Truncator(clean_text(description)).chars(META_DESCRIPTION_LENGTH),
            "description_html": render_markdown(company.description),
            "logo_url": absolute_url(company.logo.url) if company.logo else "",
        }
        return pagecache.cacheable(render(request, "listings/company_detail.html", context))
