// Server-side drawing of charts as SVG, with the same echarts.min.js the pages load
// (static/vendor/echarts), so a report shows what the dashboard shows.
//
// Usage: node echarts_ssr.js PATH/TO/echarts.min.js < charts.json > svgs.json
//   stdin:  a JSON list of {"option": {...}, "width": px, "height": px}
//   stdout: a JSON list of SVG strings, in the same order
// One process draws a whole batch: loading ECharts costs more than drawing a chart.
// Called by reports/chart_render.py; errors go to stderr with exit status 1.
"use strict";

// Quoted with single quotes: ECharts writes the family into a double-quoted style attribute
// without escaping it. The Noto CJK font (Debian's fonts-noto-cjk) draws Chinese text.
const FONT_FAMILY = "'Noto Sans CJK SC', sans-serif";

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on("data", (chunk) => chunks.push(chunk));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

function printable(option) {
  // No animation (there is no time on paper), a white page and the CJK font; the rest of
  // the option is the page's own.
  return Object.assign({}, option, {
    animation: false,
    backgroundColor: option.backgroundColor || "#fff",
    textStyle: Object.assign({ fontFamily: FONT_FAMILY }, option.textStyle),
  });
}

function drawSvg(echarts, chart) {
  const width = Number(chart.width);
  const height = Number(chart.height);
  if (!(width > 0 && height > 0)) {
    throw new Error("every chart needs a positive width and height");
  }
  const instance = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    instance.setOption(printable(chart.option || {}));
    return instance.renderToSVGString();
  } finally {
    instance.dispose();
  }
}

async function main() {
  const [echartsPath] = process.argv.slice(2);
  if (!echartsPath) {
    throw new Error("usage: node echarts_ssr.js PATH/TO/echarts.min.js < charts.json");
  }
  const echarts = require(echartsPath);
  const charts = JSON.parse(await readStdin());
  if (!Array.isArray(charts)) {
    throw new Error("stdin must be a JSON list of {option, width, height}");
  }
  const svgs = JSON.stringify(charts.map((chart) => drawSvg(echarts, chart)));
  // Exit once written: a timer ECharts left behind must not keep the process (and the
  // request waiting for it) alive.
  process.stdout.write(svgs, () => process.exit(0));
}

main().catch((error) => {
  process.stderr.write(`echarts_ssr: ${error && error.message ? error.message : error}\n`);
  process.exit(1);
});
