from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import DetailView

from listings.models import Company, Vacancy


class VacancyDetailView(View):
    def get(self, request, pk, slug=None):
        vacancy = get_object_or_404(Vacancy.objects.select_related("company", "city", "occupation"), pk=pk)
        if slug != vacancy.slug:
            return redirect(vacancy, permanent=True)
        status = 200 if vacancy.is_live else 410
        return render(request, "listings/vacancy_detail.html", {"vacancy": vacancy}, status=status)


class CompanyDetailView(DetailView):
    model = Company
    template_name = "listings/company_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["vacancies"] = (
            Vacancy.objects.live()
            .filter(company=self.object)
            .select_related("city", "company")
            .order_by("-published_at")[:50]
        )
        return context
