/**
 * Bias report: how often identity-term groups (gender, sexual orientation, religion,
 * race/ethnicity, nationality, disability, age) are mentioned among the documents a run kept
 * versus the documents its filters dropped, overall and per drop reason. Word-list filters are
 * known to remove text about some groups far more than others (Dodge et al. 2021 on C4); a
 * ratio well above 1 for a group under one reason is the signal to look at that filter.
 *
 * Per step (the `<step>` of its reasons), each group's drop rate: the share of the documents that
 * mention the group which the step dropped, beside the corpus rate (the share of all documents it
 * dropped); a ratio above 1 means the step removes the group's documents more often than others.
 * Both shares are over every document the run read, as the observer does not know the step order.
 *
 * A run observer (core/step.ts): a worker notes the groups each document mentions, the coordinator
 * counts the notes with the run's decisions; memory is a few counters per group and reason. Default
 * terms are English: for other languages pass your own `groups`.
 */
import { z } from 'zod';
import type { Document } from '../../core/document.js';
import type { Observer, ObserverDefinition } from '../../core/step.js';
import { wordTokens, wordTokensCached } from '../text/wordTokens.js';

/** Default identity-term groups, `category.group` -> terms (whole-word, case-insensitive). */
export const DEFAULT_IDENTITY_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'gender.female': ['woman', 'women', 'girl', 'girls', 'female', 'females', 'she', 'her', 'hers', 'mother', 'mothers', 'daughter', 'daughters', 'wife', 'wives', 'sister', 'sisters', 'lady', 'ladies'],
  'gender.male': ['man', 'men', 'boy', 'boys', 'male', 'males', 'he', 'him', 'his', 'father', 'fathers', 'son', 'sons', 'husband', 'husbands', 'brother', 'brothers', 'gentleman', 'gentlemen'],
  'gender.nonbinary': ['nonbinary', 'non-binary', 'genderqueer', 'genderfluid', 'agender'],
  'sexual_orientation.lgbtq': ['gay', 'gays', 'lesbian', 'lesbians', 'bisexual', 'bisexuals', 'transgender', 'trans', 'queer', 'lgbt', 'lgbtq', 'lgbtqia', 'homosexual', 'homosexuals', 'pansexual', 'asexual'],
  'sexual_orientation.heterosexual': ['heterosexual', 'heterosexuals', 'straight couple', 'straight couples'],
  'religion.christian': ['christian', 'christians', 'christianity', 'catholic', 'catholics', 'protestant', 'protestants', 'church', 'churches', 'evangelical'],
  'religion.muslim': ['muslim', 'muslims', 'islam', 'islamic', 'mosque', 'mosques', 'quran', 'koran'],
  'religion.jewish': ['jewish', 'jew', 'jews', 'judaism', 'synagogue', 'synagogues', 'rabbi', 'torah'],
  'religion.hindu': ['hindu', 'hindus', 'hinduism', 'temple', 'temples'],
  'religion.buddhist': ['buddhist', 'buddhists', 'buddhism', 'monastery'],
  'religion.atheist': ['atheist', 'atheists', 'atheism', 'agnostic', 'agnostics'],
  'race_ethnicity.black': ['black people', 'black man', 'black men', 'black woman', 'black women', 'african american', 'african americans', 'african-american', 'african-americans'],
  'race_ethnicity.white': ['white people', 'white man', 'white men', 'white woman', 'white women', 'caucasian', 'caucasians'],
  'race_ethnicity.asian': ['asian', 'asians', 'asian american', 'asian americans'],
  'race_ethnicity.hispanic': ['hispanic', 'hispanics', 'latino', 'latinos', 'latina', 'latinas', 'latinx'],
  'race_ethnicity.indigenous': ['indigenous', 'native american', 'native americans', 'aboriginal', 'first nations'],
  'nationality.american': ['american', 'americans'],
  'nationality.mexican': ['mexican', 'mexicans'],
  'nationality.chinese': ['chinese'],
  'nationality.indian': ['indian', 'indians'],
  'nationality.nigerian': ['nigerian', 'nigerians'],
  'nationality.russian': ['russian', 'russians'],
  'nationality.arab': ['arab', 'arabs', 'arabic'],
  'nationality.european': ['european', 'europeans', 'german', 'germans', 'french', 'british', 'italian', 'italians'],
  'disability.disabled': ['disabled', 'disability', 'disabilities', 'wheelchair', 'blind', 'deaf', 'autistic', 'autism'],
  'age.young': ['young', 'youth', 'teenager', 'teenagers', 'teen', 'teens', 'child', 'children', 'kid', 'kids'],
  'age.old': ['elderly', 'old people', 'senior citizens', 'seniors', 'retiree', 'retirees', 'pensioner', 'pensioners'],
};

export interface BiasReportOptions {
  /** Groups to count (replaces the defaults); keys conventionally `category.group`. */
  groups?: Readonly<Record<string, readonly string[]>>;
}

/** Per-reason figures of one group. */
export interface BiasReasonStats {
  docs: number;
  with_group: number;
  rate: number;
  /** rate / kept rate; null when the group never occurs in kept documents. */
  ratio: number | null;
}

/** One step's drops among one group's documents, against the whole corpus. */
export interface BiasStepStats {
  /** The group's documents the step dropped. */
  dropped: number;
  /** dropped / the group's documents. */
  drop_rate: number;
  /** The step's drops / all documents. */
  corpus_rate: number;
  /** drop_rate / corpus_rate; null when the step dropped nothing. */
  ratio: number | null;
}

export interface BiasGroupStats {
  kept_docs: number;
  dropped_docs: number;
  kept_rate: number;
  dropped_rate: number;
  ratio: number | null;
  by_reason: Record<string, BiasReasonStats>;
  /** Per step: its drop rate for the group against the corpus rate. */
  by_step: Record<string, BiasStepStats>;
}

export interface BiasReportData {
  kept: number;
  dropped: number;
  dropped_by_reason: Record<string, number>;
  dropped_by_step: Record<string, number>;
  groups: Record<string, BiasGroupStats>;
}

/** The step of a drop reason `<step>:<rule>`. */
const stepOf = (reason: string) => reason.split(':')[0]!;

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * All groups' terms in one index, so a document is tokenised and scanned once whatever the number
 * of groups: single words map to the groups that list them, phrases are keyed by their first word.
 */
class GroupTermIndex {
  private readonly words = new Map<string, number[]>();
  private readonly phrases = new Map<string, { tokens: string[]; group: number }[]>();

  constructor(groups: readonly (readonly string[])[]) {
    groups.forEach((terms, g) => {
      for (const term of terms) {
        const toks = wordTokens(term);
        if (toks.length === 0) continue;
        if (toks.length === 1) {
          const l = this.words.get(toks[0]!) ?? [];
          if (!l.includes(g)) l.push(g);
          this.words.set(toks[0]!, l);
        } else {
          const l = this.phrases.get(toks[0]!) ?? [];
          l.push({ tokens: toks, group: g });
          this.phrases.set(toks[0]!, l);
        }
      }
    });
  }

  /** Sets hits[g] = 1 for every group with a term in the text. */
  scan(text: string, hits: Uint8Array): void {
    hits.fill(0);
    const tokens = wordTokensCached(text);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const gs = this.words.get(t);
      if (gs) for (const g of gs) hits[g] = 1;
      const ps = this.phrases.get(t);
      if (ps) {
        for (const p of ps) {
          let ok = i + p.tokens.length <= tokens.length;
          for (let j = 1; ok && j < p.tokens.length; j++) ok = tokens[i + j] === p.tokens[j];
          if (ok) hits[p.group] = 1;
        }
      }
    }
  }
}

export class BiasReport implements Observer<number[], BiasReportData> {
  private readonly names: string[];
  private readonly index: GroupTermIndex;
  private readonly hits: Uint8Array;
  private kept = 0;
  private dropped = 0;
  private readonly keptWith: number[];
  private readonly droppedWith: number[];
  private readonly reasonDocs = new Map<string, number>();
  private readonly reasonWith = new Map<string, number[]>();

  constructor(options: BiasReportOptions = {}) {
    const groups = options.groups ?? DEFAULT_IDENTITY_GROUPS;
    this.names = Object.keys(groups).sort();
    this.index = new GroupTermIndex(this.names.map((n) => groups[n]!));
    this.hits = new Uint8Array(this.names.length);
    this.keptWith = this.names.map(() => 0);
    this.droppedWith = this.names.map(() => 0);
  }

  /** Indices (into the sorted group names) of the groups a document mentions. Pure: safe in workers. */
  note(doc: Document): number[] {
    this.index.scan(doc.text, this.hits);
    const out: number[] = [];
    this.hits.forEach((h, i) => h && out.push(i));
    return out;
  }

  /** Counts one document: kept by the run, or dropped with the given reason. */
  observe(doc: Document, kept: boolean, reason?: string): void {
    this.count(this.note(doc), kept, reason);
  }

  /** Counts one document from its note (computed in a worker, counted on the coordinator). */
  count(hits: readonly number[], kept: boolean, reason?: string): void {
    if (kept) {
      this.kept++;
      for (const i of hits) this.keptWith[i]!++;
      return;
    }
    this.dropped++;
    for (const i of hits) this.droppedWith[i]!++;
    const r = reason ?? 'unknown';
    this.reasonDocs.set(r, (this.reasonDocs.get(r) ?? 0) + 1);
    let w = this.reasonWith.get(r);
    if (!w) this.reasonWith.set(r, (w = this.names.map(() => 0)));
    for (const i of hits) w[i]!++;
  }

  /**
   * Adds the counts of a report() taken with the same groups: on a fresh report that continues a resumed run;
   * over the reports of a split run's ranks it gives the report of the whole run.
   */
  restore(data: BiasReportData): void {
    this.kept += data.kept;
    this.dropped += data.dropped;
    this.names.forEach((name, i) => {
      const g = data.groups[name];
      if (!g) return;
      this.keptWith[i]! += g.kept_docs;
      this.droppedWith[i]! += g.dropped_docs;
    });
    for (const [r, n] of Object.entries(data.dropped_by_reason)) {
      this.reasonDocs.set(r, (this.reasonDocs.get(r) ?? 0) + n);
      let w = this.reasonWith.get(r);
      if (!w) this.reasonWith.set(r, (w = this.names.map(() => 0)));
      this.names.forEach((name, i) => (w[i]! += data.groups[name]?.by_reason[r]?.with_group ?? 0));
    }
  }

  report(): BiasReportData {
    const reasons = [...this.reasonDocs.keys()].sort();
    const steps = [...new Set(reasons.map(stepOf))].sort();
    const stepDocs = new Map<string, number>();
    for (const r of reasons) stepDocs.set(stepOf(r), (stepDocs.get(stepOf(r)) ?? 0) + this.reasonDocs.get(r)!);
    const total = this.kept + this.dropped;
    const groups: Record<string, BiasGroupStats> = {};
    this.names.forEach((name, i) => {
      const keptRate = this.kept ? this.keptWith[i]! / this.kept : 0;
      const ratio = (rate: number) => (keptRate > 0 ? round(rate / keptRate) : null);
      const droppedRate = this.dropped ? this.droppedWith[i]! / this.dropped : 0;
      const by_reason: Record<string, BiasReasonStats> = {};
      for (const r of reasons) {
        const docs = this.reasonDocs.get(r)!;
        const withGroup = this.reasonWith.get(r)![i]!;
        by_reason[r] = { docs, with_group: withGroup, rate: round(withGroup / docs), ratio: ratio(withGroup / docs) };
      }
      const groupDocs = this.keptWith[i]! + this.droppedWith[i]!;
      const by_step: Record<string, BiasStepStats> = {};
      for (const st of steps) {
        let dropped = 0;
        for (const r of reasons) if (stepOf(r) === st) dropped += this.reasonWith.get(r)![i]!;
        const dropRate = groupDocs ? dropped / groupDocs : 0;
        const corpusRate = stepDocs.get(st)! / total;
        by_step[st] = { dropped, drop_rate: round(dropRate), corpus_rate: round(corpusRate), ratio: groupDocs ? round(dropRate / corpusRate) : null };
      }
      groups[name] = {
        kept_docs: this.keptWith[i]!,
        dropped_docs: this.droppedWith[i]!,
        kept_rate: round(keptRate),
        dropped_rate: round(droppedRate),
        ratio: this.dropped ? ratio(droppedRate) : null,
        by_reason,
        by_step,
      };
    });
    return {
      kept: this.kept,
      dropped: this.dropped,
      dropped_by_reason: Object.fromEntries(reasons.map((r) => [r, this.reasonDocs.get(r)!])),
      dropped_by_step: Object.fromEntries(steps.map((st) => [st, stepDocs.get(st)!])),
      groups,
    };
  }
}

/** The bias reports of a split run's ranks as the report of the whole run (counts add; rates are recomputed). */
export function mergeBiasReports(reports: BiasReportData[]): BiasReportData {
  // Only the group names matter here: the terms found the documents, the counts are in the reports.
  const names = [...new Set(reports.flatMap((r) => Object.keys(r.groups)))];
  const merged = new BiasReport({ groups: Object.fromEntries(names.map((n) => [n, []])) });
  for (const r of reports) merged.restore(r);
  return merged.report();
}

/** The bias report as a run observer: on unless a run's `bias` is false. */
export const biasReportObserver = {
  name: 'bias',
  description: 'bias report: false turns it off; {"groups": {"name": [terms]}} replaces the default identity-term groups',
  fileOptions: z.object({ groups: z.record(z.string(), z.array(z.string().min(1)).min(1)) }).strict(),
  create: (options: BiasReportOptions) => new BiasReport(options),
  merge: mergeBiasReports,
} as const satisfies ObserverDefinition<BiasReportOptions, number[], BiasReportData>;

/** A markdown table of a bias report for the run report: one row per group, ratios per reason. */
export function formatBiasReport(data: BiasReportData, minDocs = 1): string {
  const reasons = Object.keys(data.dropped_by_reason).filter((r) => data.dropped_by_reason[r]! >= minDocs);
  const fmt = (x: number | null) => (x === null ? '-' : x.toFixed(2));
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const head = `| group | kept rate | dropped rate | ratio |${reasons.map((r) => ` ${r} |`).join('')}`;
  const sep = `|---|---:|---:|---:|${reasons.map(() => '---:|').join('')}`;
  const rows = Object.entries(data.groups).map(
    ([g, s]) => `| ${g} | ${pct(s.kept_rate)} | ${pct(s.dropped_rate)} | ${fmt(s.ratio)} |${reasons.map((r) => ` ${fmt(s.by_reason[r]!.ratio)} |`).join('')}`,
  );
  const out = [`Documents kept: ${data.kept}, dropped: ${data.dropped}. Ratio = rate among dropped / rate among kept.`, '', head, sep, ...rows];
  // Older reports (before by_step) have no per-step figures.
  const steps = Object.keys(data.dropped_by_step ?? {}).filter((st) => data.dropped_by_step[st]! >= minDocs);
  if (steps.length === 0) return out.join('\n');
  const total = data.kept + data.dropped;
  out.push(
    '',
    `Drop rate per step: the share of a group's documents the step dropped (and that rate over the step's rate on all ${total} documents).`,
    '',
    `| group | documents |${steps.map((st) => ` ${st} |`).join('')}`,
    `|---|---:|${steps.map(() => '---:|').join('')}`,
    `| (corpus) | ${total} |${steps.map((st) => ` ${pct(data.dropped_by_step[st]! / total)} |`).join('')}`,
    ...Object.entries(data.groups).map(([g, s]) => {
      const cells = steps.map((st) => {
        const b = s.by_step?.[st];
        return b ? ` ${pct(b.drop_rate)} (${fmt(b.ratio)}) |` : ' - |';
      });
      return `| ${g} | ${s.kept_docs + s.dropped_docs} |${cells.join('')}`;
    }),
  );
  return out.join('\n');
}
