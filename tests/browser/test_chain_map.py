"""The chain map's year chart in the browser: every year is drawn as soon as the chart is."""

import pytest

from clusterhub.chain.services import refresh_analytics
from tests.chain_analytics.conftest import World

from .test_registry_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Polls the trend chart's canvas frame by frame until the first year's point is drawn, then looks
# at the last year's point in the same frame. An animated line (drawn from the left over a second)
# fails: when its first point appears, its last one is not there yet.
LAST_POINT_WITH_FIRST = """
() => new Promise((resolve) => {
  const el = document.getElementById("chart-trend");
  const chart = window.echarts.getInstanceByDom(el);
  const data = chart.getOption().series[0].data;
  const canvas = el.querySelector("canvas");
  const context = canvas.getContext("2d");
  const ratio = canvas.width / el.clientWidth;
  function inked(i) {
    const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [i, data[i]]);
    const size = Math.round(9 * ratio);
    const pixels = context.getImageData(
      Math.round((x - 4) * ratio), Math.round((y - 4) * ratio), size, size).data;
    for (let k = 0; k < pixels.length; k += 4) {
      // The line's dark blue (#1f4e8c), not the pale area fill or the grey axis.
      if (pixels[k + 3] > 200 && pixels[k + 2] > pixels[k] + 60) { return true; }
    }
    return false;
  }
  const started = performance.now();
  (function poll() {
    if (inked(0) || performance.now() - started > 10000) {
      resolve({ years: data.length, first: inked(0), last: inked(data.length - 1) });
    } else {
      requestAnimationFrame(poll);
    }
  })();
})
"""


def test_the_year_chart_shows_every_year_at_once(page, live_server, people, jilin):
    world = World(jilin)
    faw = world.oem("一汽")
    local, outside = world.company("长春件", "chaoyang"), world.company("沈阳件", "shenyang")
    for year in range(2020, 2026):
        world.link(local, faw, "PRT.BDY", 100 + 20 * (year - 2020), year=year)
        world.link(outside, faw, "PRT.BDY", 200, year=year)
    refresh_analytics(threads=1)
    sign_in(page, live_server, "province_viewer")
    page.goto(f"{live_server.url}/chain/analytics/?region=220000")
    drawn = page.evaluate(LAST_POINT_WITH_FIRST)
    assert drawn == {"years": 6, "first": True, "last": True}


def test_oem_filter_is_a_list_of_checkboxes(page, live_server, people, jilin):
    """The OEM filter opens as a list of ticks and sends the chosen OEMs with the form."""
    world = World(jilin)
    faw, other = world.oem("一汽", name_en="FAW"), world.oem("另一家", name_en="Other OEM")
    supplier = world.company("长春件", "chaoyang")
    world.link(supplier, faw, "PRT.BDY", 100, year=2024)
    world.link(supplier, other, "PRT.BDY", 50, year=2024)
    refresh_analytics(threads=1)
    sign_in(page, live_server, "province_viewer")
    page.goto(f"{live_server.url}/chain/analytics/?region=220000")
    button = page.locator("#f-oem")
    assert button.inner_text().strip() == "全部主机厂"  # nothing chosen: every OEM counts
    button.click()
    page.get_by_label("一汽").check()
    page.locator("#analytics-filters button[type=submit]").click()
    page.wait_for_url(f"**oem={faw.public_id}**")
    assert page.locator("#f-oem").inner_text().strip() == "一汽"
