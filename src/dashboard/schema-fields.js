/**
 * Form fields built from the run spec's JSON Schema (the API's own OpenAPI document, so every
 * field, bound, default, choice and description comes from the server and a new spec field
 * shows up in the form by itself). Each builder returns `{ element, read }`: `read()` gives the
 * value for the spec, or undefined to leave the field out (its default then applies).
 *
 * Covered: objects, choices between objects (`oneOf`/`anyOf` told apart by a one-value enum
 * such as `type` or `builtin`), enums, booleans (default / true / false), numbers, strings and
 * lists of numbers or strings. Nested lists and lists of objects (inline data) are left to the
 * JSON editor.
 */
import { h } from './dom.js';

let fieldCounter = 0;

/** A labelled control with a slot for its error; `path` is the spec field it fills. */
export function field(label, control, { path, help } = {}) {
  const id = control.id || `field-${++fieldCounter}`;
  control.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  const helpText = help ? h('p', { class: 'field-help', id: `${id}-help` }, help) : null;
  control.setAttribute('aria-describedby', [helpText ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(' '));
  return h('div', { class: 'field', 'data-path': path }, h('label', { for: id }, label), control, helpText, error);
}

const words = (text) => text.split(',').map((part) => part.trim()).filter(Boolean);

/** The variants of a choice, nested choices flattened. */
function variantsOf(schema) {
  const options = schema.oneOf ?? schema.anyOf;
  return options ? options.flatMap((option) => (option.oneOf || option.anyOf ? variantsOf(option) : [option])) : null;
}

/** The property whose one-value enum tells a variant apart, and that value. */
function discriminator(variant) {
  for (const [name, property] of Object.entries(variant.properties ?? {})) {
    if (property.enum?.length === 1) return { name, value: property.enum[0] };
  }
  return null;
}

/** Whether the form can fill the schema (nested lists and lists of objects cannot). */
function editable(schema) {
  if (schema.type === 'array') return ['number', 'integer', 'string'].includes(schema.items?.type);
  if (variantsOf(schema)) return variantsOf(schema).some(editable);
  if (schema.type === 'object') return Object.values(schema.properties ?? {}).every(editable);
  return true;
}

function describeBounds(schema) {
  const parts = [];
  if (schema.minimum !== undefined) parts.push(`${schema.exclusiveMinimum === true ? '>' : '≥'} ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`${schema.exclusiveMaximum === true ? '<' : '≤'} ${schema.maximum}`);
  return parts.join(', ');
}

function scalarField(name, schema, path, required) {
  const help = schema.description ?? describeBounds(schema);
  if (schema.enum) {
    const control = h('select', { name: path },
      required ? null : h('option', { value: '' }, schema.default === undefined ? '(none)' : `default (${schema.default})`),
      schema.enum.map((value) => h('option', { value }, String(value))));
    return { element: field(name, control, { path, help }), read: () => (control.value === '' ? undefined : control.value) };
  }
  if (schema.type === 'boolean') {
    const control = h('select', { name: path },
      h('option', { value: '' }, schema.default === undefined ? 'default' : `default (${schema.default})`),
      h('option', { value: 'true' }, 'true'), h('option', { value: 'false' }, 'false'));
    return { element: field(name, control, { path, help }), read: () => (control.value === '' ? undefined : control.value === 'true') };
  }
  if (schema.type === 'number' || schema.type === 'integer') {
    const control = h('input', {
      type: 'number', name: path, step: schema.type === 'integer' ? 1 : 'any', inputmode: 'decimal',
      placeholder: schema.default === undefined ? '' : String(schema.default),
    });
    return { element: field(name, control, { path, help }), read: () => (control.value === '' ? undefined : Number(control.value)) };
  }
  if (schema.type === 'array') {
    const numeric = schema.items?.type !== 'string';
    const control = h('input', { type: 'text', name: path, autocomplete: 'off', placeholder: 'comma-separated' });
    return {
      element: field(name, control, { path, help }),
      read: () => {
        const parts = words(control.value);
        if (!parts.length) return undefined;
        return numeric ? parts.map(Number) : parts;
      },
    };
  }
  const control = h('input', { type: 'text', name: path, autocomplete: 'off', spellcheck: 'false' });
  return { element: field(name, control, { path, help }), read: () => (control.value === '' ? undefined : control.value) };
}

function objectFields(schema, path, { skip = [] } = {}) {
  const required = new Set(schema.required ?? []);
  const children = Object.entries(schema.properties ?? {})
    .filter(([name, property]) => !skip.includes(name) && editable(property))
    .map(([name, property]) => {
      const childPath = path ? `${path}.${name}` : name;
      // An optional object (a curriculum, a validation set) is left out until ticked.
      const nested = variantsOf(property) || property.type === 'object';
      if (nested && !required.has(name)) return { name, ...optionalSection(name, property, childPath) };
      return { name, ...schemaFields(name, property, childPath, required.has(name)) };
    });
  return {
    element: h('div', { class: 'schema-object' }, children.map((child) => child.element)),
    read: () => {
      const value = {};
      for (const child of children) {
        const childValue = child.read();
        if (childValue !== undefined) value[child.name] = childValue;
      }
      return value;
    },
  };
}

function choiceFields(name, schema, path) {
  const variants = variantsOf(schema).filter(editable);
  const labelled = variants.map((variant) => {
    const tag = discriminator(variant);
    const label = tag ? String(tag.value) : (variant.required ?? Object.keys(variant.properties ?? {})).join(', ');
    return { variant, tag, label };
  });
  const select = h('select', { name: `${path}.kind` }, labelled.map(({ label }, index) => h('option', { value: String(index) }, label)));
  const body = h('div', { class: 'schema-choice-body' });
  let current = null;
  const show = () => {
    const chosen = labelled[Number(select.value)];
    current = { ...chosen, fields: objectFields(chosen.variant, path, { skip: chosen.tag ? [chosen.tag.name] : [] }) };
    const description = chosen.variant.description ? h('p', { class: 'field-help' }, chosen.variant.description) : null;
    body.replaceChildren(...[description, current.fields.element].filter(Boolean));
  };
  select.addEventListener('change', show);
  show();
  return {
    element: h('div', { class: 'schema-choice', 'data-path': path }, field(name, select, { path, help: schema.description }), body),
    read: () => ({ ...(current.tag ? { [current.tag.name]: current.tag.value } : {}), ...current.fields.read() }),
    select,
  };
}

/** Fields for one property of the spec. */
export function schemaFields(name, schema, path, required = false) {
  if (variantsOf(schema)) return choiceFields(name, schema, path);
  if (schema.type === 'object' && schema.properties) {
    const inner = objectFields(schema, path);
    return { element: h('fieldset', { class: 'schema-group', 'data-path': path }, h('legend', {}, name), inner.element), read: inner.read };
  }
  return scalarField(name, schema, path, required);
}

/**
 * An optional section of the spec (schedule, clipping, …) behind a checkbox: left out of the
 * spec while unticked.
 */
export function optionalSection(title, schema, path) {
  const toggle = h('input', { type: 'checkbox', name: `use-${path}` });
  const inner = variantsOf(schema) ? choiceFields(path, schema, path) : objectFields(schema, path);
  const body = h('div', { class: 'optional-body', hidden: true }, inner.element);
  toggle.addEventListener('change', () => { body.hidden = !toggle.checked; });
  return {
    element: h('fieldset', { class: 'optional-section', 'data-path': path },
      h('legend', {}, h('label', { class: 'toggle' }, toggle, ` ${title}`)),
      schema.description ? h('p', { class: 'field-help' }, schema.description) : null,
      body),
    read: () => (toggle.checked ? inner.read() : undefined),
  };
}
