"""The sourcing API, pages and commands: the same services, the same access rules."""

import json

from django.core.management import call_command
from django.test import Client

from clusterhub.matching.models import DemandCandidate, SourcingDemand

from .conftest import token_client


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_post_a_demand_and_read_its_ranking_over_the_api(world, people):
    api = token_client(world["buyer"])
    payload = {
        "buyer": world["hongqi"].public_id,
        "buyer_site": world["plant"].pk,
        "chain_node": "PRT.CHS.BRK.CAL",
        "title": "前制动卡钳",
        "description": "brake caliper",
        "annual_volume": 100000,
        "volume_unit": "sets",
        "annual_value": "5000万元",
        "required_certifications": ["IATF 16949"],
        "sop": "2027-03-01",
        "location": "radius",
        "max_distance_km": 300,
    }
    created = api.post("/api/matching/demands", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert created.json()["annual_value"] == "50000000.00"
    ranking = api.get(f"/api/matching/demands/{code}/ranking?limit=5").json()
    assert ranking["state"] == "ok"
    top = ranking["candidates"][0]
    assert top["enterprise"]["public_id"] == world["best"].public_id
    assert [f["key"] for f in top["factors"]][:3] == ["node", "certifications", "text"]
    assert ranking["funnel"][0]["count"] == 5
    # Shortlist, invite, answer, result.
    best = world["best"].public_id
    assert (
        api.post(
            f"/api/matching/demands/{code}/shortlist",
            {"supplier": best},
            content_type="application/json",
        ).json()["status"]
        == "shortlisted"
    )
    invited = api.post(
        f"/api/matching/demands/{code}/invite",
        {"suppliers": [best]},
        content_type="application/json",
    )
    assert invited.json()[0]["status"] == "invited"
    supplier_api = token_client(world["best_user"])
    assert supplier_api.get(f"/api/matching/demands/{code}/ranking").status_code == 403
    answer = supplier_api.post(
        f"/api/matching/demands/{code}/respond",
        {"interested": True, "note": "可报价"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "interested"
    fits = supplier_api.get("/api/matching/fits").json()
    assert fits["enterprise"] == best and fits["fits"][0]["demand"]["code"] == code
    result = api.post(
        f"/api/matching/demands/{code}/result",
        {"outcome": "awarded", "awarded_to": best},
        content_type="application/json",
    )
    assert result.json()["status"] == "awarded" and result.json()["awarded_to"] == best
    # Others may read a demand open to everyone, but not change it.
    outsider = token_client(people["changchun_officer"])
    assert outsider.get(f"/api/matching/demands/{code}").status_code == 200
    assert (
        outsider.patch(
            f"/api/matching/demands/{code}", {"title": "x"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_api_validation_errors_name_the_field(world):
    api = token_client(world["buyer"])
    response = api.post(
        "/api/matching/demands",
        {"buyer": world["hongqi"].public_id, "chain_node": "NOPE", "title": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "chain_node"
    response = api.post(
        "/api/matching/demands",
        {
            "buyer": world["hongqi"].public_id,
            "chain_node": "PRT.CHS.BRK.CAL",
            "title": "x",
            "location": "radius",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert {e["loc"][-1] for e in response.json()["detail"]} >= {"max_distance_km"}


def test_search_api(world, people):
    api = token_client(people["changchun_viewer"])
    answer = api.get("/api/matching/search", {"q": "長春卡鉗"}).json()
    assert answer["state"] == "ok"
    assert answer["hits"][0]["id"] == world["best"].public_id
    assert answer["hits"][0]["url"] == world["best"].get_absolute_url()
    assert any(f["value"] == "220100" for f in answer["facets"]["city"])
    lean = api.get("/api/matching/search", {"q": "長春卡鉗", "facets": "false"}).json()
    assert [h["id"] for h in lean["hits"]] == [h["id"] for h in answer["hits"]]
    assert lean["count"] == answer["count"] and lean["facets"] == {} and lean["by_type"] == {}
    empty = api.get("/api/matching/search", {"q": "？？？"}).json()
    assert empty["state"] == "empty" and empty["hits"] == [] and empty["notes"]
    # The endpoint writes its JSON itself: it must still be what the schema promises, exactly.
    from clusterhub.matching.schemas import SearchOut

    for body in (answer, lean, empty):
        assert SearchOut.model_validate(body).model_dump(mode="json") == body
    assert lean["count_complete"] is True
    long = api.get("/api/matching/search", {"q": "卡钳" * 5000})
    assert long.status_code == 200 and long.json()["notes"]
    assert api.get("/api/matching/search", {"q": "卡钳", "page_size": 500}).status_code == 422
    assert Client().get("/api/matching/search", {"q": "卡钳"}).status_code == 401


def test_pages_for_the_buyer(world, make_demand, nodes):
    client = login(world["buyer"])
    form = client.get("/matching/demands/new/")
    assert form.status_code == 200
    response = client.post(
        "/matching/demands/new/",
        {
            "buyer": world["hongqi"].pk,
            "buyer_site": world["plant"].pk,
            "chain_node": nodes["cal"].pk,
            "title": "后制动卡钳",
            "description": "rear brake caliper",
            "annual_value": "3000万元",
            "required_certifications": ["IATF 16949"],
            "sop": "2027-03-01",
            "location": "radius",
            "max_distance_km": "300",
            "visibility": "everyone",
            "status": "open",
        },
    )
    demand = SourcingDemand.objects.get(title="后制动卡钳")
    assert response.status_code == 302 and response["Location"] == demand.get_absolute_url()
    assert demand.annual_value == 30_000_000
    page = client.get(demand.get_absolute_url()).content.decode()
    assert 'id="ranking"' in page and world["best"].public_id in page
    assert "Why it ranks here" in page and 'data-factor="distance"' in page
    client.post(
        f"/matching/demands/{demand.code}/shortlist/", {"supplier": world["best"].public_id}
    )
    client.post(f"/matching/demands/{demand.code}/invite/", {"supplier": [world["best"].public_id]})
    assert DemandCandidate.objects.get(demand=demand).status == "invited"
    assert client.get("/matching/").status_code == 200
    assert client.get("/matching/?status=open&mine=1").status_code == 200
    # A bad form comes back with its errors, nothing saved.
    bad = client.post("/matching/demands/new/", {"title": ""})
    assert bad.status_code == 200 and SourcingDemand.objects.count() == 1


def test_pages_for_an_invited_supplier(world, make_demand):
    from clusterhub.matching import services

    demand = make_demand()
    services.invite(user=world["buyer"], demand=demand, suppliers=[world["best"]])
    client = login(world["best_user"])
    page = client.get(demand.get_absolute_url()).content.decode()
    assert 'id="invitation"' in page and 'id="ranking"' not in page
    assert world["discs"].public_id not in page  # no rival is named
    client.post(f"/matching/demands/{demand.code}/respond/", {"interested": "no", "note": "满产"})
    assert DemandCandidate.objects.get(demand=demand).status == "declined"
    fits = client.get("/matching/fits/").content.decode()
    assert demand.code in fits and 'data-factor="node"' in fits
    assert client.get("/matching/demands/new/").status_code == 200  # a tier-1 may buy too
    assert (
        client.post(f"/matching/demands/{demand.code}/result/", {"outcome": "closed"}).status_code
        == 302
    )
    demand.refresh_from_db()
    assert demand.status == "open"  # refused: not the buyer


def test_search_page(world, people):
    client = login(people["changchun_viewer"])
    page = client.get("/matching/search/", {"q": "cckq"}).content.decode()
    assert world["best"].get_absolute_url() in page and 'id="facets"' in page
    empty = client.get("/matching/search/", {"q": "!!!"}).content.decode()
    assert "no letters" in empty
    assert client.get("/matching/search/").status_code == 200


def test_match_command(world, make_demand, capsys):
    demand = make_demand()
    call_command("match", demand.code, "--json")
    answer = json.loads(capsys.readouterr().out)
    assert answer["candidates"][0]["enterprise"]["public_id"] == world["best"].public_id
    call_command("match", demand.code, "--user", "faw_buyer")
    assert "长春卡钳制造有限公司" in capsys.readouterr().out


def test_the_result_form_preselects_no_result(world, make_demand):
    demand = make_demand()
    client = login(world["buyer"])
    page = client.get(demand.get_absolute_url()).content.decode()
    form = page[page.index('id="result-form"') :]
    assert '<option value="" selected>—</option>' in form[: form.index("</select>")]
    response = client.post(f"/matching/demands/{demand.code}/result/", {"outcome": ""}, follow=True)
    assert "Choose the result." in response.content.decode()
    demand.refresh_from_db()
    assert demand.status == "open"
