// Parsing a rule source (YAML or JSON as written) into a validated RuleDefinition, with precise errors (path +
// message) for the editor, the API (400 problem+json) and the CLI.
//
// Security decisions:
// - The source is size-limited before it is parsed (MAX_RULE_SOURCE_BYTES).
// - YAML is parsed with the core schema only: no custom tags (`!!js/function` and friends are errors, not
//   warnings), no aliases at all (maxAliasCount 0: an anchors-and-aliases "billion laughs" cannot expand), unique
//   keys, and any warning is treated as an error. A rule is plain data; nothing in it is ever executed.
// - The result must pass the Zod schema (a closed set of condition types with bounded numbers) and every
//   `{placeholder}` of the explanation must be a fact the rule's conditions produce.
import { parseDocument } from 'yaml';
import { z } from 'zod';
import {
  MAX_RULE_SOURCE_BYTES,
  RuleDefinition,
  type Condition,
  type ConditionType,
  type SourceFormat,
  type ValidationResult,
} from '../../../../contracts/monitoring-rules.js';
import { ErrorCode } from '../../../../contracts/errors.js';
import { AppError } from '../../../platform/http/errors.js';

export interface FieldProblem {
  path: string;
  message: string;
}

/** Facts every hit carries. */
const COMMON_FACTS = ['eventType', 'asset', 'amountUsd', 'ruleId'] as const;

/** The facts each condition type adds (the explanation's placeholders). */
export const FACTS: Record<ConditionType, readonly string[]> = {
  threshold: ['minAmountUsd'],
  velocity: ['count', 'sumUsd', 'window', 'minCount', 'minSumUsd'],
  structuring: ['count', 'sumUsd', 'thresholdUsd', 'lowUsd', 'window', 'minCount'],
  rapid_in_out: ['withdrawalUsd', 'depositsUsd', 'depositCount', 'percent', 'minPercent', 'window'],
  high_risk_jurisdiction: ['country', 'list'],
  sanctioned_counterparty: ['listSource', 'listEntityId', 'listings'],
  dormant_reactivated: ['dormantDays', 'minDormantDays'],
  baseline_deviation: ['measure', 'valueUsd', 'baselineUsd', 'factor', 'ratio', 'baselineDays'],
  all: ['conditions', 'window'],
  any: ['conditions'],
};

/** Every condition type used in a condition tree. */
export function conditionTypes(c: Condition): ConditionType[] {
  const out = new Set<ConditionType>([c.type]);
  if (c.type === 'all' || c.type === 'any') for (const x of c.conditions) for (const t of conditionTypes(x)) out.add(t);
  return [...out];
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.length ? path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(root)';
}

/** Zod issues as path + message; a union's failure is reported against the branch its `type` names. */
function problemsOf(err: z.ZodError, value: unknown): FieldProblem[] {
  const out: FieldProblem[] = [];
  const walk = (issues: readonly z.core.$ZodIssue[], base: PropertyKey[]) => {
    for (const i of issues) {
      const path = [...base, ...i.path];
      if (i.code === 'invalid_union' && i.errors.length) {
        // Pick the branch of the union whose literal `type` matched the value, else say which types exist.
        const at = path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), value);
        const type = at && typeof at === 'object' ? (at as { type?: unknown }).type : undefined;
        const branch = i.errors.find((b) => !b.some((x) => x.path.length === 1 && x.path[0] === 'type'));
        if (typeof type === 'string' && branch) walk(branch, path);
        else out.push({ path: pathOf([...path, 'type']), message: `unknown condition type${typeof type === 'string' ? ` '${type.slice(0, 40)}'` : ''}: one of threshold, velocity, structuring, rapid_in_out, high_risk_jurisdiction, sanctioned_counterparty, dormant_reactivated, baseline_deviation, all, any` });
        continue;
      }
      out.push({ path: pathOf(path), message: i.message });
    }
  };
  walk(err.issues, []);
  // One message per path is enough for an editor.
  const seen = new Set<string>();
  return out.filter((p) => (seen.has(p.path + p.message) ? false : (seen.add(p.path + p.message), true)));
}

/** Parses YAML strictly (see the file comment); returns plain data or problems. */
function parseYaml(source: string): { value?: unknown; errors: FieldProblem[] } {
  let doc;
  try {
    doc = parseDocument(source, { schema: 'core', customTags: [], uniqueKeys: true, strict: true, prettyErrors: true, version: '1.2' });
  } catch (err) {
    return { errors: [{ path: '(source)', message: `not valid YAML: ${(err as Error).message.slice(0, 200)}` }] };
  }
  const problems = [...doc.errors, ...doc.warnings].map((e) => ({ path: e.linePos ? `line ${e.linePos[0].line}` : '(source)', message: e.message.split('\n')[0]!.slice(0, 200) }));
  if (problems.length) return { errors: problems };
  try {
    // toJS re-checks the alias count; a document that is not a mapping is refused by the schema below.
    return { value: doc.toJS({ maxAliasCount: 0 }), errors: [] };
  } catch (err) {
    return { errors: [{ path: '(source)', message: (err as Error).message.split('\n')[0]!.slice(0, 200) }] };
  }
}

function parseJson(source: string): { value?: unknown; errors: FieldProblem[] } {
  try {
    return { value: JSON.parse(source), errors: [] };
  } catch (err) {
    return { errors: [{ path: '(source)', message: `not valid JSON: ${(err as Error).message.slice(0, 200)}` }] };
  }
}

/** Validates a rule source; never throws for bad input. */
export function validateRuleSource(format: SourceFormat, source: string): ValidationResult {
  const fail = (errors: FieldProblem[]): ValidationResult => ({ valid: false, errors, rule: null, conditionTypes: [] });
  if (Buffer.byteLength(source, 'utf8') > MAX_RULE_SOURCE_BYTES) return fail([{ path: '(source)', message: `at most ${MAX_RULE_SOURCE_BYTES / 1024} KiB` }]);
  const parsed = format === 'yaml' ? parseYaml(source) : parseJson(source);
  if (parsed.errors.length) return fail(parsed.errors);
  const r = RuleDefinition.safeParse(parsed.value);
  if (!r.success) return fail(problemsOf(r.error, parsed.value));
  const types = conditionTypes(r.data.condition);
  const allowed = new Set<string>([...COMMON_FACTS, ...types.flatMap((t) => FACTS[t])]);
  const unknown = [...r.data.explanation.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!).filter((k) => !allowed.has(k));
  if (unknown.length) {
    return fail([{ path: 'explanation', message: `unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `{${k.slice(0, 40)}}`).join(', ')}; this rule's facts are ${[...allowed].join(', ')}` }]);
  }
  return { valid: true, errors: [], rule: r.data, conditionTypes: types };
}

/** Parses a rule source or throws a 400 with the problems as field errors (routes, services). */
export function parseRuleOrThrow(format: SourceFormat, source: string): RuleDefinition {
  const v = validateRuleSource(format, source);
  if (!v.valid || !v.rule) {
    throw new AppError(ErrorCode.validation, 400, 'The rule is not valid', { fieldErrors: v.errors.map((e) => ({ path: `rule.${e.path}`, message: e.message })) });
  }
  return v.rule;
}
