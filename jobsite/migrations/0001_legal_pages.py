"""Sets the Site to SITE_URL's host and creates the Impressum and
Datenschutz flat pages, which editors then maintain in the admin."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations

IMPRESSUM = """
<h2>Angaben gemäß § 5 DDG</h2>
<p>jobsite Beispiel GmbH<br>Musterstraße 1<br>58095 Hagen</p>
<p>Vertreten durch die Geschäftsführung: Erika Mustermann</p>
<h2>Kontakt</h2>
<p>E-Mail: <a href="mailto:kontakt@jobsite.example">kontakt@jobsite.example</a></p>
<h2>Registereintrag</h2>
<p>Amtsgericht Hagen, HRB 00000 (Beispiel)</p>
<h2>Verantwortlich für redaktionelle Inhalte</h2>
<p>Redaktion jobsite, Anschrift wie oben. Die Berufsprofile werden von unserer Redaktion
geschrieben und regelmäßig überprüft; Stellenangebote verantworten die jeweiligen Arbeitgeber.</p>
<p><em>Diese Angaben sind Platzhalter und müssen vor dem Betrieb durch die echten Daten des Betreibers ersetzt werden.</em></p>
""".strip()

DATENSCHUTZ = """
<p>Wir nehmen den Schutz Ihrer Daten ernst und erheben nur, was für den Betrieb der Seite nötig ist.</p>
<h2>Jobsuche ohne Konto</h2>
<p>Für die Suche brauchen Sie kein Konto. Wir setzen keine Tracking- oder Werbe-Cookies und binden keine
Inhalte fremder Server ein. Technisch notwendige Cookies (Sprache, Sicherheit von Formularen, Merkliste)
werden nur gesetzt, wenn Sie die jeweilige Funktion nutzen.</p>
<h2>Jobalarm</h2>
<p>Für einen Jobalarm speichern wir Ihre E-Mail-Adresse und Ihre Suche. Der Alarm startet erst, wenn Sie den
Link in unserer Bestätigungsmail anklicken; jede Mail enthält einen Link, mit dem Sie ihn sofort abbestellen.</p>
<h2>Arbeitgeberkonten</h2>
<p>Für Arbeitgeber speichern wir die Angaben zum Konto und zum Unternehmen sowie die veröffentlichten Stellen,
solange das Konto besteht.</p>
<h2>Server-Protokolle</h2>
<p>Beim Aufruf der Seite verarbeitet der Server technische Daten (z. B. IP-Adresse, Zeitpunkt, aufgerufene
Adresse), um den Betrieb abzusichern. Diese Protokolle werden nach kurzer Zeit gelöscht.</p>
<h2>Ihre Rechte</h2>
<p>Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der Verarbeitung und
Datenübertragbarkeit sowie ein Beschwerderecht bei einer Datenschutz-Aufsichtsbehörde. Schreiben Sie uns an
<a href="mailto:datenschutz@jobsite.example">datenschutz@jobsite.example</a>.</p>
""".strip()

PAGES = [
    ("/impressum/", "Impressum", IMPRESSUM),
    ("/datenschutz/", "Datenschutzerklärung", DATENSCHUTZ),
]


def create_pages(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    FlatPage = apps.get_model("flatpages", "FlatPage")
    db = schema_editor.connection.alias
    domain = urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
    site, _ = Site.objects.using(db).update_or_create(
        pk=getattr(settings, "SITE_ID", 1), defaults={"domain": domain, "name": "jobsite"}
    )
    # The row above was written with an explicit id; PostgreSQL's sequence must follow.
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [Site]):
            cursor.execute(sql)
    for url, title, content in PAGES:
        page, created = FlatPage.objects.using(db).get_or_create(
            url=url, defaults={"title": title, "content": content}
        )
        page.sites.add(site)


def remove_pages(apps, schema_editor):
    FlatPage = apps.get_model("flatpages", "FlatPage")
    FlatPage.objects.using(schema_editor.connection.alias).filter(url__in=[url for url, *_ in PAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("flatpages", "0001_initial"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(create_pages, remove_pages)]
