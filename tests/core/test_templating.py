import pytest

from casedesk.templating import TemplateRenderError, render_user_template, template_context


def test_it_substitutes_the_documented_variables(case, agent):
    context = template_context(case=case, agent=agent)
    text = render_user_template(
        "{{ contact.first_name }}|{{ contact.name }}|{{ case.number }}|{{ case.title }}|"
        "{{ agent.first_name }}|{{ agent.name }}|{{ agent.email }}|{{ site.name }}",
        context,
    )
    assert (
        text
        == f"Dana|Dana Doyle|{case.number}|Printer on fire|Alice|Alice Agent|alice@casedesk.localhost|Acme Corp"
    )


def test_it_does_not_escape_plain_text():
    assert render_user_template("{{ x }}", {"x": "Tom & <Jerry>"}) == "Tom & <Jerry>"


@pytest.mark.parametrize(
    "source", ["{% load static %}", "{%include 'base.html' %}", "{% extends 'x' %}", "{% debug %}"]
)
def test_it_refuses_tags_that_reach_outside_the_context(source):
    with pytest.raises(TemplateRenderError, match="not allowed"):
        render_user_template(source, {})


def test_a_syntax_error_is_a_clear_error_not_an_exception():
    with pytest.raises(TemplateRenderError, match="Template error"):
        render_user_template("{% if %}", {})


def test_the_context_exposes_no_model_objects(case, agent):
    context = template_context(case=case, agent=agent)
    assert render_user_template("{{ case.contact.cases.all }}{{ agent.password }}", context) == ""
