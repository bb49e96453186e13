"""Small filters the team-plan templates share (HTML, PDF and text)."""

from django import template

from assessments.advice import Advice, RiskAdvice
from assessments.advice.hiring import LATER

register = template.Library()


@register.filter
def quarter_name(quarter: int) -> str:
    """Quarter 1-4 by number; 5 is the roadmap's "later"."""
    return "Later" if quarter == LATER else f"Quarter {quarter}"


@register.filter
def risk(advice: Advice, key: str) -> RiskAdvice:
    return advice.risk(key)


@register.filter
def money(amount: int, currency: str) -> str:
    """12,345 EUR: thousands separated the same way in every medium."""
    return f"{amount:,} {currency}"
