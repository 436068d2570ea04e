// Draws a bid's logic model as a layered graph, inputs on the left to impacts on the right:
// dagre lays it out (rankdir LR), this script draws it as SVG. Nodes and edges named by a
// finding carry its severity; a node off every input-to-impact path is drawn as a gap.
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var NODE_WIDTH = 160;
  var LINE_HEIGHT = 15;
  var CHARS_PER_LINE = 22;
  var PAD = 8;

  function element(name, attributes, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function wrap(text) {
    var lines = [];
    var line = "";
    text.split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > CHARS_PER_LINE) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) { lines.push(line); }
    return lines.slice(0, 4);
  }

  function layout(graph) {
    var g = new window.dagre.graphlib.Graph();
    g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 44, marginx: 12, marginy: 40 });
    g.setDefaultEdgeLabel(function () { return {}; });
    var stages = {};
    graph.nodes.forEach(function (node) {
      node.lines = wrap(node.label);
      g.setNode(node.key, {
        width: NODE_WIDTH,
        height: node.lines.length * LINE_HEIGHT + 2 * PAD,
        data: node
      });
      stages[node.stage] = true;
    });
    // A hidden spine, one point per stage, holds every node in its stage's column: a node
    // hangs one rank after the spine point of the stage before its own.
    var used = Object.keys(stages).map(Number).sort(function (a, b) { return a - b; });
    var top = used[used.length - 1];
    for (var stage = 0; stage <= top; stage += 1) {
      g.setNode("spine:" + stage, { width: 0, height: 0, spine: true });
      if (stage > 0) { g.setEdge("spine:" + (stage - 1), "spine:" + stage, { spine: true }); }
    }
    graph.nodes.forEach(function (node) {
      if (node.stage > 0) {
        g.setEdge("spine:" + (node.stage - 1), node.key, { spine: true, weight: 0 });
      } else {
        g.setEdge(node.key, "spine:1", { spine: true, weight: 0 });
      }
    });
    var stageOf = {};
    graph.nodes.forEach(function (node) { stageOf[node.key] = node.stage; });
    graph.edges.forEach(function (edge) {
      var span = stageOf[edge.target] - stageOf[edge.source];
      g.setEdge(edge.source, edge.target, { data: edge, minlen: Math.max(1, span), weight: 2 });
    });
    window.dagre.layout(g);
    return g;
  }

  function path(points) {
    return points.map(function (p, i) { return (i ? "L" : "M") + p.x + " " + p.y; }).join(" ");
  }

  function draw(container, graph) {
    var g = layout(graph);
    var size = g.graph();
    // As wide as the page allows, never wider than drawn; the viewBox keeps its proportions.
    var svg = element("svg", {
      viewBox: "0 0 " + Math.ceil(size.width) + " " + Math.ceil(size.height),
      width: "100%",
      class: "bpv-logic-model__svg",
      role: "img",
      "aria-labelledby": container.dataset.describedBy
    });
    var defs = element("defs", {}, svg);
    ["plain", "warning", "error"].forEach(function (kind) {
      var marker = element("marker", {
        id: "arrow-" + kind, viewBox: "0 0 10 10", refX: 10, refY: 5,
        markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse"
      }, defs);
      element("path", { d: "M0 0 L10 5 L0 10 z", class: "bpv-arrow bpv-arrow--" + kind }, marker);
    });
    // Column headings over each stage, at the x of its spine point.
    graph.stages.forEach(function (stage) {
      var point = g.node("spine:" + stage.index);
      var columnX = point ? point.x : 0;
      graph.nodes.some(function (node) {
        if (node.stage === stage.index) { columnX = g.node(node.key).x; return true; }
        return false;
      });
      var heading = element("text", {
        x: columnX, y: 18, "text-anchor": "middle", class: "bpv-logic-model__stage"
      }, svg);
      heading.textContent = stage.label;
    });
    g.edges().forEach(function (ref) {
      var edge = g.edge(ref);
      if (edge.spine) { return; }
      var data = edge.data;
      var kind = data.severity === "error" ? "error" : data.severity ? "warning" : "plain";
      var line = element("path", {
        d: path(edge.points),
        class: "bpv-edge bpv-edge--" + kind + (data.skipped ? " bpv-edge--skipped" : ""),
        "marker-end": "url(#arrow-" + kind + ")"
      }, svg);
      if (data.findings.length) {
        element("title", {}, line).textContent = data.findings.join("\n");
      }
    });
    g.nodes().forEach(function (key) {
      var box = g.node(key);
      if (box.spine) { return; }
      var data = box.data;
      var classes = ["bpv-node", "bpv-node--" + data.kind];
      if (data.severity) { classes.push("bpv-node--" + data.severity); }
      if (data.gap) { classes.push("bpv-node--gap"); }
      var group = element("g", {
        class: classes.join(" "),
        transform: "translate(" + (box.x - box.width / 2) + "," + (box.y - box.height / 2) + ")",
        "data-key": data.key
      }, svg);
      element("rect", { width: box.width, height: box.height, rx: 4, ry: 4 }, group);
      data.lines.forEach(function (text, index) {
        var label = element("text", {
          x: PAD, y: PAD + (index + 1) * LINE_HEIGHT - 4, class: "bpv-node__label"
        }, group);
        label.textContent = text;
      });
      if (data.severity) {
        var badge = element("circle", {
          cx: box.width, cy: 0, r: 8, class: "bpv-badge bpv-badge--" + data.severity
        }, group);
        element("title", {}, badge).textContent = data.findings.join("\n");
        var mark = element("text", {
          x: box.width, y: 4, "text-anchor": "middle", class: "bpv-badge__mark"
        }, group);
        mark.textContent = "!";
      }
      element("title", {}, group).textContent =
        data.label + (data.findings.length ? "\n" + data.findings.join("\n") : "");
    });
    svg.style.maxWidth = Math.ceil(size.width) + "px";
    container.appendChild(svg);
  }

  document.querySelectorAll("[data-logic-model]").forEach(function (container) {
    var source = document.getElementById(container.dataset.logicModel);
    if (!source || typeof window.dagre === "undefined") { return; }
    var graph = JSON.parse(source.textContent);
    if (graph.nodes.length) { draw(container, graph); }
  });
})();
