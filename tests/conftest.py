import pytest


@pytest.fixture
def post_data():
    """Valid POST data for each questionnaire section, by section key."""
    return {
        "organisation": {
            "name": "Acme Analytics",
            "industry": "retail",
            "employees": "40",
            "stage": "small_startup",
            "contact_name": "Ada Client",
            "contact_email": "ada@example.com",
        },
        "goals": {
            "ai_focus": "product",
            "ml_use_cases": "3",
            "product_teams": "2",
            "dedicated_ml_budget": "no",
            "current_structure": "none",
        },
        "team": {
            "data_analyst": "0",
            "data_engineer": "1",
            "data_scientist": "1",
            "research_scientist": "0",
            "mlops_engineer": "0",
            "software_developer": "6",
            "full_stack_data_scientists": "1",
        },
        "pain-points": {"pain_points": ["silos", "hiring_difficulty"]},
    }
