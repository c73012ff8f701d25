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

from jobsite.text import strip_control_chars

TITLE_RE = re.compile(r"^(?P<occupation>.+?)\s+Jobs und Stellenangebote in\s+(?P<city>.+?)\s*$")
KICKER_RE = re.compile(r"^Beruf\s+(?P<occupation>.+?)\s+in\s+(?P<city>.+?)\s*$")

MAX_HEADING_LENGTH = 100

# A German amount: "2.800", "2800", "2.800,50". Four to six digits in all,
# so "20 %" or "15 Prozent" never qualify.
_AMOUNT = r"(\d{1,3}(?:\.\d{3})+|\d{4,6})(?:,\d{1,2})?"
_CURRENCY = r"(?:€|Euro\b|EUR\b)"
_RANGE_SEP = r"\s*(?:bis|und|–|—|-)\s*"

RANGE_RE = re.compile(
    rf"(?:zwischen\s+)?{_AMOUNT}\s*(?:{_CURRENCY})?{_RANGE_SEP}{_AMOUNT}\s*{_CURRENCY}",
    re.IGNORECASE,
)
FROM_RE = re.compile(rf"\bab\s+{_AMOUNT}\s*{_CURRENCY}", re.IGNORECASE)
ABOUT_RE = re.compile(
    rf"\b(?:rund|etwa|ca\.|circa|ungefähr|um die|knapp|gut)\s+{_AMOUNT}\s*{_CURRENCY}",
    re.IGNORECASE,
)
SINGLE_RE = re.compile(rf"{_AMOUNT}\s*{_CURRENCY}", re.IGNORECASE)

# Level words, most specific first. Matched case-insensitively inside a sentence.
LEVEL_PATTERNS = [
    ("lead", re.compile(r"leitung|leitungsposition|leitende|führungs|teamleit|\bleiter", re.I)),
    ("senior", re.compile(r"\bsenior|spezialist|expert", re.I)),
    (
        "experienced",
        re.compile(r"erfahrung|erfahrene|berufserfahren|routinier|nach einigen jahren", re.I),
    ),
    (
        "entry",
        re.compile(
            r"einsteiger|berufseinstieg|einstieg|berufsanfänger|anfänger|junior|"
            r"starten|startgehalt|zu beginn|am anfang|nach der ausbildung",
            re.I,
        ),
    ),
]

# Plausible monthly gross salaries in euros.
MIN_SALARY, MAX_SALARY = 500, 30000

SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"])")


@dataclass
class SalaryFigure:
    level: str
    min_amount: int | None
    max_amount: int | None
    text: str


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
    # Salary statements that were found but could not be placed on a level.
    unplaced: list[str] = field(default_factory=list)


class ProfileFormatError(ValueError):
    pass


def _amount(text):
    value = int(text.replace(".", ""))
    return value if MIN_SALARY <= value <= MAX_SALARY else None


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


def extract_salaries(text):
    """Salary figures in a paragraph: [(level or None, min, max, snippet)]."""
    results = []
    for sentence in SENTENCE_RE.split(text):
        taken = []

        def free(span, taken=taken):
            return all(span[1] <= a or span[0] >= b for a, b in taken)

        found = []
        for match in RANGE_RE.finditer(sentence):
            low, high = _amount(match.group(1)), _amount(match.group(2))
            if low and high and low <= high:
                found.append((match.span(), low, high))
                taken.append(match.span())
        for match in FROM_RE.finditer(sentence):
            if free(match.span()) and (low := _amount(match.group(1))):
                found.append((match.span(), low, None))
                taken.append(match.span())
        for match in ABOUT_RE.finditer(sentence):
            if free(match.span()) and (value := _amount(match.group(1))):
                found.append((match.span(), value, value))
                taken.append(match.span())
        for match in SINGLE_RE.finditer(sentence):
            if free(match.span()) and (value := _amount(match.group(1))):
                found.append((match.span(), value, value))
                taken.append(match.span())
        for span, low, high in sorted(found):
            results.append((_level_for(sentence, span[0]), low, high, sentence[span[0] : span[1]]))
    return results


def parse_profile(text):
    lines = [strip_control_chars(line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if len(lines) < 5:
        raise ProfileFormatError(
            "Zu wenige Zeilen: erwartet werden Titel, Dachzeile, Überschrift, Vorspann und Abschnitte."
        )
    title_match = TITLE_RE.match(lines[0])
    if not title_match:
        raise ProfileFormatError(
            f"Zeile 1 hat nicht die Form „<Beruf> Jobs und Stellenangebote in <Ort>“: {lines[0][:80]!r}"
        )
    if not KICKER_RE.match(lines[1]):
        raise ProfileFormatError(f"Zeile 2 hat nicht die Form „Beruf <Beruf> in <Ort>“: {lines[1][:80]!r}")
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
                    f"Zeile {number}: ein Abschnitt muss mit einer Überschrift beginnen."
                )
            profile.sections.append(ParsedSection(heading=line))
        else:
            profile.sections[-1].paragraphs.append(line)
    empty = [s.heading for s in profile.sections if not s.paragraphs]
    if empty:
        raise ProfileFormatError(f"Abschnitt ohne Text: {empty[0]!r}")

    seen_levels = set()
    for paragraph in [profile.lead] + [p for s in profile.sections for p in s.paragraphs]:
        for level, low, high, snippet in extract_salaries(paragraph):
            if level is None or level in seen_levels:
                profile.unplaced.append(snippet)
                continue
            seen_levels.add(level)
            profile.salary_bands.append(SalaryFigure(level, low, high, snippet))
    order = [level for level, _ in reversed(LEVEL_PATTERNS)]
    profile.salary_bands.sort(key=lambda band: order.index(band.level))
    return profile
