import type { Analysis, AnalysedPipeline, ContextAnalysis, ImageChange } from "../analysis/model.js";
import { splitImageRef } from "../analysis/image-ref.js";
import { code, lineBreak, paragraph, table, trusted, type Block, type Inline } from "./document.js";
import { changedImages } from "./facts.js";
import { flowchart, type FlowEdge, type FlowNode } from "./mermaid.js";
import { tagsText } from "./matrix.js";
import { commonImagePrefix, mostCommonDirectory, nameList, plural } from "./wording.js";

/** One image in a context: who builds it from which recipe, which tags, who runs in it. */
export interface GraphImage {
  image: ImageChange;
  builders: Array<{ job: string; dockerfile?: string }>;
  recipeChanged: boolean;
}

export interface ContainerGraph {
  images: GraphImage[];
  /** Changed recipes that no job in this context rebuilds. */
  unbuiltRecipes: string[];
}

/** Repository → the jobs that build it, per pipeline; indexed once, as a pipeline may have thousands of jobs. */
const buildIndex = new WeakMap<AnalysedPipeline, Map<string, GraphImage["builders"]>>();

function buildersIn(pipeline: AnalysedPipeline, repository: string): GraphImage["builders"] {
  let index = buildIndex.get(pipeline);
  if (!index) {
    index = new Map();
    for (const job of pipeline.jobs) {
      for (const build of job.builds) {
        const repo = splitImageRef(build.image.text).repository;
        const builders = index.get(repo) ?? [];
        if (!builders.some((b) => b.job === job.name)) builders.push({ job: job.name, dockerfile: build.dockerfile?.text });
        index.set(repo, builders);
      }
    }
    buildIndex.set(pipeline, index);
  }
  return index.get(repository) ?? [];
}

/**
 * The images worth drawing for a context: those whose pushed tags change, and those built
 * from a recipe this change touches. Builders come from the jobs' own build commands
 * (exact recipe per job); the ImageChange lists are the fallback.
 */
export function containerGraph(analysis: Analysis, ctx: ContextAnalysis): ContainerGraph {
  const changedRecipes = new Set(analysis.recipes.filter((r) => r.changed).map((r) => r.path));
  const retagged = new Set(changedImages(ctx));
  const images: GraphImage[] = [];
  for (const image of ctx.images) {
    const recipeChanged = image.dockerfiles.some((d) => changedRecipes.has(d));
    if (!retagged.has(image) && !recipeChanged) continue;
    let builders = buildersIn(ctx.after, image.repository);
    if (builders.length === 0) builders = buildersIn(ctx.before, image.repository);
    if (builders.length === 0) {
      const only = image.dockerfiles.length === 1 ? image.dockerfiles[0] : undefined;
      builders = image.builtBy.map((job) => ({ job, dockerfile: only }));
    }
    images.push({ image, builders, recipeChanged });
  }
  // A changed recipe is what the author touched: show it before images merely retagged.
  images.sort((a, b) => Number(b.recipeChanged) - Number(a.recipeChanged));
  const unbuiltRecipes = analysis.recipes
    .filter((r) => r.changed && (r.builtIn[ctx.context.name] ?? []).length === 0)
    .map((r) => r.path)
    .filter((path) => !images.some((g) => g.image.dockerfiles.includes(path)));
  return { images, unbuiltRecipes };
}

/** Jobs in a narrow cell: one or two named, a longer list as its count with the first name. */
function jobsCell(jobs: string[], maxNames: number): Inline {
  if (jobs.length <= Math.min(2, maxNames)) return nameList(jobs, maxNames, "job");
  return [trusted(`${plural(jobs.length, "job")}, e.g. `), code(jobs[0])];
}

/** The graph as a table of four columns; `maxImages` rows at most, the rest counted. */
export function containerTable(graph: ContainerGraph, maxImages: number, maxNames: number): Block[] {
  const blocks: Block[] = [];
  const shown = graph.images.slice(0, maxImages);
  const prefix = commonImagePrefix(shown.map((g) => g.image.repository));
  const recipesOf = (g: GraphImage) => [...new Set(g.builders.map((b) => b.dockerfile).filter((d): d is string => !!d))];
  // Recipes, like images, are named by what follows the directory most of them share.
  const recipeDir = mostCommonDirectory(shown.flatMap(recipesOf));
  const rows = shown.map((g): Inline[] => {
    const recipes = recipesOf(g).map((r) => (r.startsWith(recipeDir) ? r.slice(recipeDir.length) : r));
    const from: Inline = recipes.length ? [lineBreak, trusted("from "), ...nameList(recipes, 1, "recipe"), ...(g.recipeChanged ? [trusted(" (changed)")] : [])] : [];
    return [
      [code(g.image.repository.slice(prefix.length))],
      [...tagsText(g.image.tagsBefore), trusted(" → "), ...tagsText(g.image.tagsAfter)],
      [...(g.builders.length ? jobsCell(g.builders.map((b) => b.job), maxNames) : [trusted("no job")]), ...from],
      g.image.usedBy.length ? jobsCell(g.image.usedBy, maxNames) : [trusted("—")],
    ];
  });
  if (rows.length) {
    const where: Inline = [
      ...(prefix ? [trusted("Images in "), code(prefix)] : []),
      ...(recipeDir ? [trusted(prefix ? ", recipes in " : "Recipes in "), code(recipeDir)] : []),
    ];
    if (where.length) blocks.push(paragraph(...where, trusted(":")));
    blocks.push(table(["image", "pushed (before → after)", "built by", "runs in it"].map((h) => [trusted(h)]), rows));
  }
  const rest = graph.images.length - rows.length;
  if (rest > 0) blocks.push(paragraph(trusted(`${rows.length ? "and " : ""}${plural(rest, rows.length ? "more image" : "image")} whose pushes change`)));
  if (graph.unbuiltRecipes.length) {
    blocks.push(paragraph(trusted("⚠️ changed recipes no job in this context rebuilds: "), ...nameList(graph.unbuiltRecipes, maxNames, "recipe")));
  }
  return blocks;
}

const DIAGRAM_IMAGES = 6;
const DIAGRAM_CONSUMERS = 4;

/** Recipe → build job → image:tag → jobs running in it, as a Mermaid flowchart. */
export function containerDiagram(graph: ContainerGraph): Block | undefined {
  if (graph.images.length === 0 && graph.unbuiltRecipes.length === 0) return undefined;
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const ids = new Map<string, number>();
  const node = (key: string, n: FlowNode) => {
    const existing = ids.get(key);
    if (existing !== undefined) return existing;
    nodes.push(n);
    ids.set(key, nodes.length - 1);
    return nodes.length - 1;
  };
  for (const g of graph.images.slice(0, DIAGRAM_IMAGES)) {
    const { image } = g;
    const tags = image.tagsAfter.length ? image.tagsAfter : image.tagsBefore;
    const before = image.tagsBefore.join(", ");
    const after = image.tagsAfter.join(", ");
    const tagLabel = before === after ? tags.join(", ") : `${before || "not pushed"} → ${after || "not pushed"}`;
    const img = node(`image:${image.repository}`, { label: `${image.repository.split("/").pop()}: ${tagLabel}`, shape: "cylinder", className: before === after ? undefined : "changed" });
    for (const b of g.builders) {
      const job = node(`job:${b.job}`, { label: b.job, shape: "round" });
      edges.push({ from: job, to: img, label: "pushes" });
      if (b.dockerfile) {
        const recipe = node(`recipe:${b.dockerfile}`, { label: b.dockerfile, shape: "box", className: g.recipeChanged ? "changed" : undefined });
        edges.push({ from: recipe, to: job });
      }
    }
    for (const consumer of image.usedBy.slice(0, DIAGRAM_CONSUMERS)) {
      edges.push({ from: img, to: node(`job:${consumer}`, { label: consumer, shape: "round" }), label: "runs" });
    }
    const more = image.usedBy.length - DIAGRAM_CONSUMERS;
    if (more > 0) edges.push({ from: img, to: node(`more:${image.repository}`, { label: plural(more, "more job"), shape: "round" }), label: "runs" });
  }
  const restImages = graph.images.length - DIAGRAM_IMAGES;
  if (restImages > 0) node("more-images", { label: plural(restImages, "more image"), shape: "cylinder" });
  for (const path of graph.unbuiltRecipes) {
    const recipe = node(`recipe:${path}`, { label: path, shape: "box", className: "changed" });
    edges.push({ from: recipe, to: node(`unbuilt:${path}`, { label: "not rebuilt here", shape: "round", className: "missing" }) });
  }
  return { kind: "diagram", text: flowchart(nodes, edges) };
}
