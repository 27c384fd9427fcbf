"""Console fixtures: a logged-in agent client and a fast way to make many cases."""

import pytest


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer.user)
    return client


def bulk_cases(count: int, *, queue=None, owners=(), title="Bulk case", status="open", start=50_000):
    """`count` cases with distinct contacts, sites and owners (to expose N+1 queries), and
    one history entry each. Numbers start at `start`."""
    from casedesk.models import Activity, Case, Contact, Site

    sites = Site.objects.bulk_create([Site(name=f"Bulk site {start + i}") for i in range(count)])
    contacts = Contact.objects.bulk_create(
        [Contact(email=f"bulk{start + i}@example.org", name=f"Bulk {i}", site=sites[i]) for i in range(count)]
    )
    cases = Case.objects.bulk_create(
        [
            Case(
                number=start + i,
                title=f"{title} {i}",
                contact=contacts[i],
                site=sites[i],
                queue=queue,
                owner=owners[i % len(owners)] if owners else None,
                status=status,
                priority=1 + i % 4,
            )
            for i in range(count)
        ]
    )
    Activity.objects.bulk_create(
        [Activity(case=case, kind=Activity.Kind.CREATED, body="Bulk request") for case in cases]
    )
    return cases
