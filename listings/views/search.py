from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views import View

from listings.models import Vacancy


class VacancyListView(View):
    paginate_by = 20

    def get(self, request):
        vacancies = (
            Vacancy.objects.live()
            .select_related("company", "city", "occupation")
            .order_by("-published_at", "-id")
        )
        paginator = Paginator(vacancies, self.paginate_by)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except Exception as exc:
            raise Http404 from exc
        return render(
            request,
            "listings/vacancy_list.html",
            {"page_obj": page, "vacancies": page.object_list, "total": paginator.count},
        )
