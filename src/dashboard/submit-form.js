/**
 * The new-run form. Optimizer fields come from GET /v1/optimizers (bounds, per-flavor
 * defaults, descriptions); the same spec can be edited as raw JSON. Validation errors from the
 * API (problem+json `errors[].path`) are shown next to the field each one names.
 */
import { ApiError, postJson } from './api.js';
import { optimizerCatalogue } from './catalogues.js';
import { h } from './dom.js';

const benchmarkNames = ['rosenbrock', 'beale', 'booth', 'himmelblau', 'saddle', 'quadratic', 'rastrigin', 'ackley', 'styblinski-tang', 'sphere', 'matyas', 'three-hump-camel'];

let fieldCounter = 0;

/** A labelled control with a slot for its error; `path` is the spec field it fills. */
function field(label, control, { path, help } = {}) {
  const id = control.id || `field-${++fieldCounter}`;
  control.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  const helpText = help ? h('p', { class: 'field-help', id: `${id}-help` }, help) : null;
  control.setAttribute('aria-describedby', [helpText ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(' '));
  return h('div', { class: 'field', 'data-path': path }, h('label', { for: id }, label), control, helpText, error);
}

const numbers = (text) => text.split(',').map((part) => part.trim()).filter(Boolean).map(Number);
const words = (text) => text.split(',').map((part) => part.trim()).filter(Boolean);

function boundsText(parameter) {
  const parts = [];
  if (parameter.minimum !== undefined) parts.push(`≥ ${parameter.minimum}`);
  if (parameter.exclusiveMinimum !== undefined) parts.push(`> ${parameter.exclusiveMinimum}`);
  if (parameter.maximum !== undefined) parts.push(`≤ ${parameter.maximum}`);
  if (parameter.exclusiveMaximum !== undefined) parts.push(`< ${parameter.exclusiveMaximum}`);
  return parts.join(', ');
}

export function createSubmitForm(container, { onSubmitted }) {
  let catalogue = [];
  const controls = {
    objectiveType: h('select', { name: 'objectiveType' }, h('option', { value: 'expression' }, 'expression'), h('option', { value: 'benchmark' }, 'benchmark function')),
    expression: h('input', { type: 'text', name: 'expression', value: '(1 - x)^2 + 100*(y - x^2)^2', spellcheck: 'false', autocomplete: 'off' }),
    variables: h('input', { type: 'text', name: 'variables', value: 'x, y', autocomplete: 'off' }),
    initial: h('input', { type: 'text', name: 'initial', value: '-1.5, 2', autocomplete: 'off' }),
    benchmark: h('select', { name: 'benchmark' }, benchmarkNames.map((name) => h('option', { value: name }, name))),
    dimensions: h('input', { type: 'number', name: 'dimensions', min: 1, step: 1, placeholder: 'default' }),
    optimizer: h('select', { name: 'optimizer' }),
    flavor: h('select', { name: 'flavor' }, h('option', { value: 'paper' }, 'paper'), h('option', { value: 'pytorch' }, 'pytorch')),
    maxSteps: h('input', { type: 'number', name: 'maxSteps', min: 1, step: 1, value: 500 }),
    seed: h('input', { type: 'number', name: 'seed', step: 1, placeholder: 'none' }),
    earlyStopping: h('input', { type: 'checkbox', name: 'earlyStopping' }),
    patience: h('input', { type: 'number', name: 'patience', min: 1, step: 1, value: 50 }),
    minDelta: h('input', { type: 'number', name: 'minDelta', min: 0, step: 'any', value: 0 }),
    json: h('textarea', { name: 'spec', rows: 18, spellcheck: 'false', class: 'json-editor' }),
  };
  const hyperparameterBox = h('div', { class: 'hyperparameters' });
  const summary = h('div', { class: 'form-summary', role: 'alert' });
  const jsonErrors = h('ul', { class: 'json-errors', 'aria-live': 'polite' });
  const expressionFields = h('div', { class: 'objective-fields' },
    field('Expression', controls.expression, { path: 'objective.expression', help: 'Operators + - * / ^, functions such as exp, log, sin, sigmoid.' }),
    field('Variables', controls.variables, { path: 'objective.variables', help: 'Comma-separated, in parameter order.' }),
    field('Start', controls.initial, { path: 'objective.initial', help: 'One number per variable.' }));
  const benchmarkFields = h('div', { class: 'objective-fields', hidden: true },
    field('Function', controls.benchmark, { path: 'objective.name' }),
    field('Dimensions', controls.dimensions, { path: 'objective.dimensions', help: 'For n-dimensional functions; 2-D ones draw a contour plot.' }));
  const earlyFields = h('div', { class: 'inline-fields', hidden: true },
    field('Patience (steps)', controls.patience, { path: 'earlyStopping.patience' }),
    field('Minimum improvement', controls.minDelta, { path: 'earlyStopping.minDelta' }));

  const modeForm = h('input', { type: 'radio', name: 'mode', value: 'form', checked: true });
  const modeJson = h('input', { type: 'radio', name: 'mode', value: 'json' });
  const formPanel = h('div', { class: 'form-panel' },
    h('fieldset', { 'data-path': 'objective' }, h('legend', {}, 'Objective'),
      field('Kind', controls.objectiveType, { path: 'objective.type' }), expressionFields, benchmarkFields),
    h('fieldset', { 'data-path': 'optimizer' }, h('legend', {}, 'Optimizer'),
      h('div', { class: 'inline-fields' }, field('Algorithm', controls.optimizer, { path: 'optimizer.name' }), field('Flavor', controls.flavor, { path: 'optimizer.flavor', help: 'paper: the overview\'s equations; pytorch: torch.optim\'s arithmetic.' })),
      h('p', { class: 'field-help optimizer-description' }),
      hyperparameterBox),
    h('fieldset', { 'data-path': 'training' }, h('legend', {}, 'Training'),
      h('div', { class: 'inline-fields' }, field('Steps', controls.maxSteps, { path: 'training.maxSteps' }), field('Seed', controls.seed, { path: 'training.seed' })),
      h('label', { class: 'toggle' }, controls.earlyStopping, ' Stop early when the loss stops improving'),
      earlyFields));
  const jsonPanel = h('div', { class: 'json-panel', hidden: true },
    field('Run spec (JSON)', controls.json, { path: '', help: 'The body of POST /v1/runs. Errors are listed below with the path they name.' }),
    jsonErrors);

  const form = h('form', { class: 'submit-form', novalidate: true, 'aria-labelledby': 'new-run-title' },
    h('h2', { id: 'new-run-title' }, 'New run'),
    h('fieldset', { class: 'mode-switch' }, h('legend', { class: 'visually-hidden' }, 'Editor'),
      h('label', { class: 'toggle' }, modeForm, ' Form'), h('label', { class: 'toggle' }, modeJson, ' JSON')),
    summary, formPanel, jsonPanel,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Submit run')));

  controls.objectiveType.addEventListener('change', () => {
    const benchmark = controls.objectiveType.value === 'benchmark';
    expressionFields.hidden = benchmark;
    benchmarkFields.hidden = !benchmark;
  });
  controls.earlyStopping.addEventListener('change', () => { earlyFields.hidden = !controls.earlyStopping.checked; });
  controls.optimizer.addEventListener('change', renderHyperparameters);
  controls.flavor.addEventListener('change', renderHyperparameters);
  const switchMode = () => {
    const json = modeJson.checked;
    if (json) controls.json.value = JSON.stringify(specFromForm(), null, 2);
    formPanel.hidden = json;
    jsonPanel.hidden = !json;
    clearErrors();
  };
  modeForm.addEventListener('change', switchMode);
  modeJson.addEventListener('change', switchMode);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });

  function selectedOptimizer() {
    return catalogue.find((optimizer) => optimizer.name === controls.optimizer.value);
  }

  function renderHyperparameters() {
    const optimizer = selectedOptimizer();
    const flavor = controls.flavor.value;
    const previous = Object.fromEntries([...hyperparameterBox.querySelectorAll('input')].map((input) => [input.name, input.value]));
    form.querySelector('.optimizer-description').textContent = optimizer?.description ?? '';
    hyperparameterBox.replaceChildren(...(optimizer?.hyperparameters ?? [])
      .filter((parameter) => parameter.flavors.includes(flavor))
      .map((parameter) => {
        const input = h('input', {
          type: 'number', name: parameter.name, step: 'any', placeholder: String(parameter.default[flavor]), inputmode: 'decimal',
          min: parameter.minimum ?? parameter.exclusiveMinimum, max: parameter.maximum ?? parameter.exclusiveMaximum,
        });
        input.value = previous[parameter.name] ?? '';
        // The catalogue's descriptions state the bounds; the numbers are spelled out only without one.
        return field(parameter.name, input, {
          path: `optimizer.${parameter.name}`,
          help: `${parameter.description || boundsText(parameter)} Default ${parameter.default[flavor]}.`,
        });
      }));
  }

  function specFromForm() {
    const objective = controls.objectiveType.value === 'benchmark'
      ? { type: 'benchmark', name: controls.benchmark.value, ...(controls.dimensions.value ? { dimensions: Number(controls.dimensions.value) } : {}) }
      : { type: 'expression', expression: controls.expression.value, variables: words(controls.variables.value), ...(controls.initial.value.trim() ? { initial: numbers(controls.initial.value) } : {}) };
    const optimizer = { name: controls.optimizer.value, flavor: controls.flavor.value };
    for (const input of hyperparameterBox.querySelectorAll('input')) if (input.value !== '') optimizer[input.name] = Number(input.value);
    const spec = {
      objective,
      optimizer,
      training: { maxSteps: Number(controls.maxSteps.value), ...(controls.seed.value !== '' ? { seed: Number(controls.seed.value) } : {}) },
    };
    if (controls.earlyStopping.checked) spec.earlyStopping = { monitor: 'loss', patience: Number(controls.patience.value), minDelta: Number(controls.minDelta.value) };
    return spec;
  }

  function clearErrors() {
    summary.replaceChildren();
    jsonErrors.replaceChildren();
    for (const element of form.querySelectorAll('.field-error')) element.textContent = '';
    for (const element of form.querySelectorAll('[aria-invalid]')) element.removeAttribute('aria-invalid');
  }

  /** The visible field for an error path: the path itself, else its nearest named parent. */
  function fieldFor(path) {
    let candidate = path;
    for (;;) {
      const match = [...form.querySelectorAll('.field[data-path]')].find((element) => element.dataset.path === candidate && !element.closest('[hidden]'));
      if (match) return match;
      if (!candidate) return null;
      candidate = candidate.replace(/(\[[^\]]*\]|\.?[^.[]+)$/, '');
    }
  }

  function showErrors(problem) {
    summary.replaceChildren(h('p', { class: 'error' }, h('strong', {}, problem.title ?? 'The run was refused'), problem.detail ? ` ${problem.detail}` : ''));
    const inJson = modeJson.checked;
    for (const issue of problem.errors ?? []) {
      const target = inJson ? null : fieldFor(issue.path);
      if (target && target.dataset.path !== '') {
        const slot = target.querySelector('.field-error');
        slot.textContent = slot.textContent ? `${slot.textContent} ${issue.message}` : issue.message;
        target.querySelector('input, select, textarea')?.setAttribute('aria-invalid', 'true');
      } else {
        jsonErrors.append(h('li', {}, h('code', {}, issue.path || '(spec)'), ` ${issue.message}`));
        if (!inJson) summary.append(h('p', { class: 'error' }, h('code', {}, issue.path || '(spec)'), ` ${issue.message}`));
      }
    }
    form.querySelector('[aria-invalid="true"]')?.focus();
  }

  async function submit() {
    clearErrors();
    let spec;
    if (modeJson.checked) {
      try {
        spec = JSON.parse(controls.json.value);
      } catch (error) {
        jsonErrors.append(h('li', {}, `Not valid JSON: ${error.message}`));
        controls.json.setAttribute('aria-invalid', 'true');
        return;
      }
    } else {
      spec = specFromForm();
    }
    try {
      const run = await postJson('/v1/runs', spec);
      onSubmitted(run);
    } catch (error) {
      if (error instanceof ApiError && error.problem) showErrors(error.problem);
      else summary.replaceChildren(h('p', { class: 'error' }, error.message));
    }
  }

  return {
    async show() {
      container.replaceChildren(form);
      if (catalogue.length) return;
      try {
        catalogue = await optimizerCatalogue();
      } catch (error) {
        summary.replaceChildren(h('p', { class: 'error' }, `The optimizer catalogue could not be loaded: ${error.message}`));
        return;
      }
      controls.optimizer.replaceChildren(...catalogue.map((optimizer) => h('option', { value: optimizer.name }, optimizer.name)));
      controls.optimizer.value = catalogue.some((optimizer) => optimizer.name === 'adam') ? 'adam' : catalogue[0]?.name ?? '';
      renderHyperparameters();
    },
  };
}
