// The claims-template engine: `{{user.id}}`-style shortcodes in JSON values, for session and JWT templates.

/** What a template can read. Built by the server from the user, the active org and the membership. */
export interface ShortcodeContext {
  user: Record<string, unknown>;
  org?: Record<string, unknown> | null;
  org_membership?: Record<string, unknown> | null;
}

const SHORTCODE = /\{\{\s*(.*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*(.*?)\s*\}\}$/;
const PATH = /^(user|org|org_membership)(\.[A-Za-z_][A-Za-z0-9_]*)+$/;
const STRING_LITERAL = /^'([^']*)'$/;
const NUMBER_LITERAL = /^-?\d+(\.\d+)?$/;
const MAX_TEMPLATE_DEPTH = 8;

function lookup(context: ShortcodeContext, path: string): unknown {
  let value: unknown = context;
  for (const segment of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, segment)) return null;
    value = (value as Record<string, unknown>)[segment];
  }
  return value === undefined ? null : value;
}

/** Applied to every value a shortcode reads (e.g. a size cap); identity by default. */
export type ShortcodeValueFilter = (value: unknown, path: string) => unknown;
const identity: ShortcodeValueFilter = (value) => value;

function operand(raw: string, context: ShortcodeContext, filter: ShortcodeValueFilter): unknown {
  const text = raw.trim();
  const str = STRING_LITERAL.exec(text);
  if (str) return str[1];
  if (NUMBER_LITERAL.test(text)) return Number(text);
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  return PATH.test(text) ? filter(lookup(context, text), text) : null; // unknown shortcodes render as null
}

/** `{{a || b || 'x'}}`: the first truthy operand, else the last one. */
function evaluate(expression: string, context: ShortcodeContext, filter: ShortcodeValueFilter): unknown {
  const operands = expression.split('||');
  let value: unknown = null;
  for (const op of operands) {
    value = operand(op, context, filter);
    if (value) return value;
  }
  return value;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function renderValue(value: unknown, context: ShortcodeContext, filter: ShortcodeValueFilter, depth: number): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    // A value that is exactly one shortcode keeps the type of what it names (objects stay objects).
    if (whole && !whole[1]!.includes('}}')) return evaluate(whole[1]!, context, filter);
    return value.replace(SHORTCODE, (_match, expression: string) => asText(evaluate(expression, context, filter)));
  }
  if (depth >= MAX_TEMPLATE_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => renderValue(item, context, filter, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = renderValue(item, context, filter, depth + 1);
  return out;
}

/** Renders a claims template against a context. Pure: the template is not modified. */
export function renderClaimsTemplate(
  template: Record<string, unknown>,
  context: ShortcodeContext,
  filter: ShortcodeValueFilter = identity,
): Record<string, unknown> {
  return renderValue(template, context, filter, 0) as Record<string, unknown>;
}

/** Every shortcode path a template uses, for validation and size estimates. */
export function templateShortcodes(template: unknown, depth = 0): string[] {
  if (typeof template === 'string') {
    return [...template.matchAll(SHORTCODE)].flatMap((m) =>
      m[1]!
        .split('||')
        .map((op) => op.trim())
        .filter((op) => PATH.test(op)),
    );
  }
  if (depth >= MAX_TEMPLATE_DEPTH || typeof template !== 'object' || template === null) return [];
  return Object.values(template).flatMap((v) => templateShortcodes(v, depth + 1));
}

/**
 * Checks a claims template's shape: a JSON object, nesting at most 8 deep, shortcodes only in values,
 * none of the `reserved` claims at the top level.
 * @throws TypeError naming the problem
 */
export function assertClaimsTemplate(template: unknown, reserved: readonly string[]): asserts template is Record<string, unknown> {
  if (typeof template !== 'object' || template === null || Array.isArray(template))
    throw new TypeError('A claims template must be a JSON object');
  const overridden = Object.keys(template).filter((key) => reserved.includes(key));
  if (overridden.length) throw new TypeError(`A claims template cannot set the reserved claims: ${overridden.join(', ')}`);
  const check = (value: unknown, depth: number): void => {
    if (depth > MAX_TEMPLATE_DEPTH) throw new TypeError(`A claims template may nest at most ${MAX_TEMPLATE_DEPTH} levels`);
    if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('{{')) throw new TypeError('Shortcodes are allowed in values only, not in claim names');
        check(item, depth + 1);
      }
    } else if (!['string', 'number', 'boolean'].includes(typeof value) && value !== null) {
      throw new TypeError('A claims template holds JSON values only');
    }
  };
  check(template, 0);
}
