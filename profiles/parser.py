"""Parser for career-profile articles in the seed text format (CONTRACT.md):

1. "<Occupation> Jobs und Stellenangebote in <City>"   (title)
2. "Beruf <Occupation> in <City>"                       (kicker)
3. headline, 4. lead, then sections: a short heading line without a closing
full stop, followed by one or more paragraph lines.

Salary figures in the prose become structured bands. Only amounts tied to a
currency word count, so inhabitants, years and percentages are never mistaken
for salaries."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from jobsite.text import normalize_key, shortened, strip_control_chars
from profiles.salary import PLAUSIBLE_PAY

TITLE_RE = re.compile(r"^(?P<occupation>.+?)\s+Jobs und Stellenangebote in\s+(?P<city>.+?)\s*$")
KICKER_RE = re.compile(r"^Beruf\s+(?P<occupation>.+?)\s+in\s+(?P<city>.+?)\s*$")

MAX_HEADING_LENGTH = 100

# A German amount: "2.800", "2800", "2.800,50". Four to six digits in all,
# so "20 %" or "15 Prozent" never qualify.
_AMOUNT = r"(\d{1,3}(?:\.\d{3})+|\d{4,6})(?:,\d{1,2}|,-)?"
_CURRENCY = r"(?:€|Euro\b|EUR\b)"
_RANGE_SEP = r"\s*(?:bis(?:\s+zu)?|und|–|—|-)\s*"

RANGE_RE = re.compile(
    rf"(?:zwischen\s+)?{_AMOUNT}\s*(?:{_CURRENCY})?{_RANGE_SEP}{_AMOUNT}\s*{_CURRENCY}",
    re.IGNORECASE,
)
FROM_RE = re.compile(rf"\b(?:ab|über|mehr als|mindestens)\s+{_AMOUNT}\s*{_CURRENCY}", re.IGNORECASE)
UPTO_RE = re.compile(rf"\b(?:bis zu|maximal|höchstens)\s+{_AMOUNT}\s*{_CURRENCY}", re.IGNORECASE)
ABOUT_RE = re.compile(
    rf"\b(?:rund|etwa|ca\.|circa|ungefähr|um die|knapp|gut)\s+{_AMOUNT}\s*{_CURRENCY}",
    re.IGNORECASE,
)
SINGLE_RE = re.compile(rf"{_AMOUNT}\s*{_CURRENCY}", re.IGNORECASE)

# Level words, most specific first. Matched case-insensitively inside a sentence.
LEVEL_PATTERNS = [
    (
        "lead",
        re.compile(r"leitung|leitende|führungs|teamleit|\bleiter|abteilungsleit|\bchef", re.I),
    ),
    ("senior", re.compile(r"\bsenior|spezialist|expert", re.I)),
    (
        "experienced",
        re.compile(
            r"erfahrung|erfahrene|berufserfahren|routinier|nach einigen jahren|nach ein paar jahren|"
            r"\bprofis?\b",
            re.I,
        ),
    ),
    (
        "entry",
        re.compile(
            r"einsteiger|berufseinstieg|einstieg|berufsanfänger|anfänger|junior|"
            r"starten|startgehalt|einstiegsgehalt|zu beginn|am anfang|nach der ausbildung",
            re.I,
        ),
    ),
]

# Amounts in euros that are about money but not about pay: rent, bonuses,
# trainee pay, budgets. Looked for right next to the amount.
NOT_PAY_RE = re.compile(
    r"miete|kaltmiete|weihnachtsgeld|urlaubsgeld|prämie|zuschlag|zulage|bonus|"
    r"ausbildungsvergütung|azubi|lehrjahr|umsatz|investi|förder|budget|kosten|gebühr|"
    r"kaufpreis|quadratmeter|einmalzahlung|spesen",
    re.IGNORECASE,
)
NOT_PAY_WINDOW = 30

# Pay stated per year ("52.000 € im Jahr", "Jahresgehalt von 48.000 €").
YEAR_AFTER_RE = re.compile(
    r"^\s*(?:brutto\s+)?(?:(?:im|pro|per|je)\s+jahr\b|jährlich|p\.\s?a\.|jahresbrutto)", re.I
)
YEAR_BEFORE_RE = re.compile(r"jahresgehalt|jahresbrutto|jahreseinkommen", re.I)

SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"])")


@dataclass
class SalaryFigure:
    level: str | None
    min_amount: int | None
    max_amount: int | None
    text: str
    period: str = "month"
    # Why a euro amount was not taken as pay ("" when it was).
    ignored: str = ""


@dataclass
class ParsedSection:
    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class ParsedProfile:
    title: str
    occupation_name: str
    city_name: str
    kicker: str
    headline: str
    lead: str
    sections: list[ParsedSection] = field(default_factory=list)
    salary_bands: list[SalaryFigure] = field(default_factory=list)
    # Salary statements that were found but could not be placed on a level
    # (no level word, or a second figure for a level already taken).
    unplaced: list[str] = field(default_factory=list)
    # Euro amounts that were recognised as something other than pay.
    ignored: list[SalaryFigure] = field(default_factory=list)


class ProfileFormatError(ValueError):
    pass


def _number(text):
    return int(text.replace(".", "").split(",")[0])


def is_heading(line):
    """Headings are short and carry no closing full stop (a question mark is
    allowed: "Was verdient man?")."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_HEADING_LENGTH:
        return False
    return not stripped.endswith((".", "!", ":", ";", "…", ",", "“", '"', "«", ")"))


def _level_for(sentence, position):
    """The level word nearest before `position`, else the nearest after it."""
    best_before, best_after = None, None
    for level, pattern in LEVEL_PATTERNS:
        for match in pattern.finditer(sentence):
            if match.start() <= position:
                if best_before is None or match.start() > best_before[0]:
                    best_before = (match.start(), level)
            elif best_after is None or match.start() < best_after[0]:
                best_after = (match.start(), level)
    chosen = best_before or best_after
    return chosen[1] if chosen else None


def _period(sentence, span):
    after = sentence[span[1] : span[1] + 30]
    before = sentence[max(0, span[0] - 40) : span[0]]
    if YEAR_AFTER_RE.search(after) or YEAR_BEFORE_RE.search(before):
        return "year"
    return "month"


def _looks_like_year(first, second):
    return "." not in first and 1900 <= _number(first) <= 2099 and "." in second


def _plausible(value, period):
    if value is None:
        return True
    low, high = PLAUSIBLE_PAY[period]
    return low <= value <= high


MINUS_SIGNS = ("-", "\u2212")


def _minus_sign_at(sentence, start):
    """Where the minus sign of the amount at `start` begins ("-2.500 €",
    "minus 2.500 €"), or None. The sign must touch the number: with a space
    after it, a hyphen is a dash ("Einsteiger - 2.800 €"), and right after a
    word, a digit or a bracket it joins two things ("3.000-3.500 €")."""
    if start and sentence[start - 1] in MINUS_SIGNS:
        before = sentence[start - 2 : start - 1]
        return start - 1 if not before or not (before.isalnum() or before in ")]€") else None
    words = sentence[:start].rstrip()
    if words.casefold().endswith("minus") and not words[-6:-5].isalpha():
        return len(words) - 5
    return None


def _reversed_range(match):
    """A range written larger first ("4.200 € bis 3.500 €"). Two amounts
    joined by a bare "und" are two figures, not a range ("3.500 € und
    2.800 € gibt es für Aushilfen"); only "zwischen … und …" makes one."""
    joint = match.string[match.end(1) : match.start(2)]
    return match.group(0).lower().startswith("zwischen") or not re.search(r"\bund\b", joint, re.I)


CLAUSE_BREAK_RE = re.compile(r"[,;:()]| – | — ")


def _not_pay(sentence, span):
    # Only the amount's own clause counts: in "3.500 € drin, dazu ein
    # Zuschlag" the bonus belongs to the next clause, not to the salary.
    start = max([m.end() for m in CLAUSE_BREAK_RE.finditer(sentence, 0, span[0])], default=0)
    following = CLAUSE_BREAK_RE.search(sentence, span[1])
    end = following.start() if following else len(sentence)
    around = sentence[max(start, span[0] - NOT_PAY_WINDOW) : min(end, span[1] + NOT_PAY_WINDOW)]
    match = NOT_PAY_RE.search(around)
    return match.group(0) if match else ""


def extract_salaries(text):
    """Salary figures in a paragraph, in reading order. Amounts that are
    money but not pay come back with `ignored` set, so the importer can say
    what it left out."""
    results = []
    for sentence in SENTENCE_RE.split(text):
        taken = []

        def free(span, taken=taken):
            return all(span[1] <= a or span[0] >= b for a, b in taken)

        found = []
        patterns = [
            (RANGE_RE, lambda m: (_number(m.group(1)), _number(m.group(2)))),
            (FROM_RE, lambda m: (_number(m.group(1)), None)),
            (UPTO_RE, lambda m: (None, _number(m.group(1)))),
            (ABOUT_RE, lambda m: (_number(m.group(1)), _number(m.group(1)))),
            (SINGLE_RE, lambda m: (_number(m.group(1)), _number(m.group(1)))),
        ]
        for pattern, amounts in patterns:
            for match in pattern.finditer(sentence):
                span = match.span()
                if not free(span):
                    continue
                low, high = amounts(match)
                if pattern is RANGE_RE and _looks_like_year(match.group(1), match.group(2)):
                    # "seit 2019 und 2.500 €": a year, then one amount.
                    continue
                period = _period(sentence, span)
                if not (_plausible(low, period) and _plausible(high, period)):
                    # Inhabitants, budgets in millions: not a salary at all.
                    continue
                # A range written backwards or a negative amount is a slip
                # of the pen. It is reported, and its parts must not come
                # back as single figures through the patterns after this one.
                problem = ""
                if pattern is RANGE_RE and low > high:
                    if not _reversed_range(match):
                        continue  # two figures: the single patterns take each
                    problem = _("Untergrenze über der Obergrenze")
                elif (sign := _minus_sign_at(sentence, match.start(1))) is not None:
                    problem = _("negativer Betrag")
                    span = (min(sign, span[0]), span[1])
                taken.append(span)
                found.append((span, low, high, period, problem))
        for span, low, high, period, problem in sorted(found):
            snippet = sentence[span[0] : span[1]]
            reason = problem or _not_pay(sentence, span)
            results.append(
                SalaryFigure(
                    level=None if reason else _level_for(sentence, span[0]),
                    min_amount=low,
                    max_amount=high,
                    text=snippet,
                    period=period,
                    ignored=reason,
                )
            )
    return results


def salary_bands_from(paragraphs):
    """(bands, unplaced snippets, ignored figures) for an article's paragraphs:
    the first figure per level wins, bands come out entry -> lead."""
    bands, unplaced, ignored = [], [], []
    seen_levels = set()
    for paragraph in paragraphs:
        for figure in extract_salaries(paragraph):
            if figure.ignored:
                ignored.append(figure)
            elif figure.level is None or figure.level in seen_levels:
                unplaced.append(figure.text)
            else:
                seen_levels.add(figure.level)
                bands.append(figure)
    order = [level for level, _ in reversed(LEVEL_PATTERNS)]
    bands.sort(key=lambda band: order.index(band.level))
    return bands, unplaced, ignored


def parse_profile(text):
    # A byte order mark from an editor would otherwise become part of the title.
    text = text.removeprefix("\ufeff")
    lines = [strip_control_chars(line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if len(lines) < 5:
        raise ProfileFormatError(
            _("Zu wenige Zeilen: erwartet werden Titel, Dachzeile, Überschrift, Vorspann und Abschnitte.")
        )
    title_match = TITLE_RE.match(lines[0])
    if not title_match:
        raise ProfileFormatError(
            _("Zeile 1 hat nicht die Form „<Beruf> Jobs und Stellenangebote in <Ort>“: „%(line)s“")
            % {"line": shortened(lines[0], 80)}
        )
    if not KICKER_RE.match(lines[1]):
        raise ProfileFormatError(
            _("Zeile 2 hat nicht die Form „Beruf <Beruf> in <Ort>“: „%(line)s“")
            % {"line": shortened(lines[1], 80)}
        )
    # The kicker is printed above the headline: it must not name another
    # job or place than the title the page is filed under. The whole line is
    # compared, not the kicker's parts: "Beruf Fachkraft in der Pflege in
    # Hagen" cannot be split at the right "in" on its own.
    expected = f"Beruf {title_match['occupation']} in {title_match['city']}"
    if normalize_key(lines[1]) != normalize_key(expected):
        raise ProfileFormatError(
            _(
                "Die Dachzeile „%(kicker)s“ nennt nicht denselben Beruf und Ort wie der Titel („%(expected)s“)."
            )
            % {"kicker": shortened(lines[1], 80), "expected": expected}
        )
    profile = ParsedProfile(
        title=lines[0],
        occupation_name=title_match["occupation"],
        city_name=title_match["city"],
        kicker=lines[1],
        headline=lines[2],
        lead=lines[3],
    )
    for number, line in enumerate(lines[4:], start=5):
        if is_heading(line) or not profile.sections:
            if not is_heading(line):
                raise ProfileFormatError(
                    _("Zeile %(number)d: ein Abschnitt muss mit einer Überschrift beginnen.")
                    % {"number": number}
                )
            profile.sections.append(ParsedSection(heading=line))
        else:
            profile.sections[-1].paragraphs.append(line)
    empty = [s.heading for s in profile.sections if not s.paragraphs]
    if empty:
        raise ProfileFormatError(_("Abschnitt ohne Text: „%(heading)s“") % {"heading": empty[0]})

    paragraphs = [profile.lead] + [p for s in profile.sections for p in s.paragraphs]
    profile.salary_bands, profile.unplaced, profile.ignored = salary_bands_from(paragraphs)
    return profile
