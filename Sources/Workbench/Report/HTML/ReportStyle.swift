/// The page's inline style sheet and script.
enum ReportStyle {
    /// Sized for a 1280-px window (content 1180 px at most, every chart
    /// scaled to its column), and for print: no controls, no player, no
    /// section split across pages where it can be helped.
    static let css = """
        :root { --ink: #1d1d1f; --muted: #5f6368; --rule: #e3e5e8; --accent: #0072B2; --paper: #ffffff; --wash: #f6f7f9; }
        * { box-sizing: border-box; }
        html { background: var(--wash); }
        body { margin: 0; color: var(--ink); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1180px; margin: 0 auto; padding: 28px 24px 48px; }
        svg.chart { display: block; width: 100%; height: auto; font-family: inherit; }
        svg.chart text { font-family: inherit; }
        .page-header { background: var(--paper); border: 1px solid var(--rule); border-radius: 14px; padding: 28px 32px 24px; margin-bottom: 22px; }
        .eyebrow { margin: 0; color: var(--accent); font-weight: 600; letter-spacing: .02em; font-size: 14px; }
        h1 { margin: 6px 0 4px; font-size: 34px; line-height: 1.2; letter-spacing: -.01em; }
        .subtitle { margin: 0 0 18px; color: var(--muted); }
        .facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 14px; }
        .fact { background: var(--wash); border-radius: 10px; padding: 12px 16px; }
        .fact-value { display: block; font-size: 28px; font-weight: 700; font-variant-numeric: tabular-nums; }
        .fact-caption { display: block; color: var(--muted); font-size: 13.5px; line-height: 1.3; }
        section { background: var(--paper); border: 1px solid var(--rule); border-radius: 14px; padding: 22px 32px 24px; margin-bottom: 22px; }
        h2 { margin: 0 0 4px; font-size: 24px; display: flex; align-items: center; gap: 12px; }
        .section-number { display: inline-flex; width: 30px; height: 30px; border-radius: 50%; background: var(--accent); color: #fff;
          font-size: 16px; align-items: center; justify-content: center; flex: none; }
        h3 { font-size: 17px; margin: 14px 0 6px; }
        h4 { font-size: 15px; margin: 0 0 6px; }
        .lead { margin: 0 0 14px; color: var(--muted); }
        .note { color: var(--muted); font-size: 14px; margin: 10px 0 0; }
        figure { margin: 0; }
        .chart-figure { margin: 6px 0 0; }
        .unranked { margin-top: 12px; border-top: 1px solid var(--rule); padding-top: 10px; font-size: 14.5px; }
        .unranked ul { margin: 0; padding-left: 20px; }
        .status { display: inline-block; font-size: 12px; font-weight: 700; padding: 1px 7px; border-radius: 6px; background: var(--wash); }
        .status-failed, .status-error { background: #fbe3d6; color: #8a3100; }
        .status-skipped, .status-unsupported { background: #eceff3; color: var(--muted); }
        .field-layout { display: grid; grid-template-columns: minmax(0, 520px) minmax(0, 1fr); gap: 28px; align-items: start; }
        .heatmap { display: block; width: 100%; height: auto; border-radius: 6px; background: #440154; }
        .heatmap.pixelated { image-rendering: pixelated; }
        .controls { display: flex; align-items: center; gap: 12px; margin: 10px 0 4px; font-variant-numeric: tabular-nums; }
        .controls input[type=range] { flex: 1; min-width: 0; }
        .controls button { font: inherit; font-weight: 600; padding: 5px 16px; border-radius: 8px; border: 1px solid var(--accent);
          background: var(--accent); color: #fff; cursor: pointer; min-width: 84px; }
        .drift h3 { margin-top: 0; }
        .frames { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 12px; margin-top: 18px; }
        .frame { cursor: pointer; border-radius: 8px; padding: 4px; border: 2px solid transparent; }
        .frame.current { border-color: var(--accent); }
        .frame figcaption { text-align: center; font-size: 13px; color: var(--muted); font-variant-numeric: tabular-nums; }
        .machine-layout { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.15fr); gap: 28px; }
        .facts-table { border-collapse: collapse; width: 100%; font-size: 14.5px; }
        .facts-table th { text-align: left; vertical-align: top; padding: 6px 14px 6px 0; color: var(--muted); font-weight: 600; white-space: nowrap; }
        .facts-table td { padding: 6px 0; border-bottom: 1px solid var(--rule); overflow-wrap: anywhere; }
        .commands { margin: 0; padding-left: 0; list-style: none; font-size: 14px; }
        .commands li { margin-bottom: 8px; }
        .command-purpose { color: var(--muted); }
        pre { margin: 3px 0 0; background: var(--wash); border-radius: 8px; padding: 8px 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
        code { font: 13px/1.45 ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
        @media (max-width: 900px) { .field-layout, .machine-layout { grid-template-columns: 1fr; } }
        @media print {
          html, body { background: #fff; }
          main { max-width: none; padding: 0; }
          .page-header, section { border: none; padding: 0 0 8px; margin-bottom: 18px; break-inside: avoid; }
          section#machine { break-inside: auto; }
          .controls, .player { display: none; }
          .field-layout { grid-template-columns: 1fr; }
          .frame.current { border-color: transparent; }
          .fact { border: 1px solid var(--rule); }
        }
        """

    /// The snapshot player (play/pause, a slider, a click on a frame) and a
    /// layout check: `data-fits-width` on the root element says whether the
    /// page fits its window's width (no horizontal scroll bar).
    static let script = """
        (function () {
          var root = document.documentElement;
          function checkWidth() { root.setAttribute('data-fits-width', String(root.scrollWidth <= root.clientWidth)); }
          var images = Array.prototype.slice.call(document.querySelectorAll('.frame img'));
          var player = document.getElementById('field-player');
          var slider = document.getElementById('field-slider');
          var label = document.getElementById('field-step');
          var button = document.getElementById('field-play');
          if (player && slider && label && button && images.length > 0) {
            var index = 0, timer = null;
            var show = function (i) {
              index = i;
              player.src = images[i].src;
              player.alt = images[i].alt;
              slider.value = String(i);
              label.textContent = images[i].getAttribute('data-caption');
              images.forEach(function (image, k) { image.parentNode.classList.toggle('current', k === i); });
            };
            var pause = function () {
              if (timer !== null) { clearInterval(timer); timer = null; }
              button.textContent = 'Play'; button.setAttribute('aria-pressed', 'false');
            };
            var play = function () {
              timer = setInterval(function () { show((index + 1) % images.length); }, 700);
              button.textContent = 'Pause'; button.setAttribute('aria-pressed', 'true');
            };
            button.addEventListener('click', function () { if (timer === null) { play(); } else { pause(); } });
            slider.addEventListener('input', function () { pause(); show(Number(slider.value)); });
            images.forEach(function (image, k) { image.addEventListener('click', function () { pause(); show(k); }); });
            show(0);
            root.setAttribute('data-player', 'ready');
          }
          checkWidth();
          window.addEventListener('load', checkWidth);
          window.addEventListener('resize', checkWidth);
        })();
        """
}
