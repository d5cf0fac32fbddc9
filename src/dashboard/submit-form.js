/**
 * The new-run form. Everything but the optimizer is built from the run spec's JSON Schema as
 * the API documents it (objective kinds, benchmark names, models and built-in datasets, the
 * training settings, schedules, gradient noise, clipping, early stopping, stop targets,
 * recording: schema-fields.js); the optimizer's fields come from GET /v1/optimizers (bounds,
 * per-flavor defaults, descriptions), benchmark descriptions from GET /v1/benchmarks and the
 * uploaded datasets from GET /v1/datasets. The same spec can be edited as raw JSON. Validation
 * errors from the API (problem+json `errors[].path`) are shown next to the field each names.
 */
import { ApiError, postJson } from './api.js';
import { benchmarkCatalogue, optimizerCatalogue, runSpecSchema, uploadedDatasets } from './catalogues.js';
import { h } from './dom.js';
import { field, optionalSection, schemaFields } from './schema-fields.js';

/** What a new form starts with: a run that works as it stands. */
const startingValues = {
  'objective.expression': '(1 - x)^2 + 100*(y - x^2)^2',
  'objective.variables': 'x, y',
  'objective.initial': '-1.5, 2',
  'training.maxSteps': '500',
};

/** Spec sections left out unless ticked, with their titles. */
const optionalSections = {
  schedule: 'Learning-rate schedule',
  gradientNoise: 'Gradient noise',
  clip: 'Gradient clipping',
  earlyStopping: 'Early stopping',
  stopWhen: 'Stop at a target',
  parallel: 'Parallel SGD',
};

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
  /** The schema-built sections, once the schema is in: `{ read() }` per spec field. */
  let sections = null;
  const controls = {
    optimizer: h('select', { name: 'optimizer' }),
    flavor: h('select', { name: 'flavor' }, h('option', { value: 'paper' }, 'paper'), h('option', { value: 'pytorch' }, 'pytorch')),
    json: h('textarea', { name: 'spec', rows: 18, spellcheck: 'false', class: 'json-editor' }),
  };
  const hyperparameterBox = h('div', { class: 'hyperparameters' });
  const summary = h('div', { class: 'form-summary', role: 'alert' });
  const jsonErrors = h('ul', { class: 'json-errors', 'aria-live': 'polite' });
  const objectiveBox = h('div', { class: 'objective-box' }, h('p', { class: 'muted' }, 'Loading…'));
  const settingsBox = h('div', { class: 'settings-box' });

  const modeForm = h('input', { type: 'radio', name: 'mode', value: 'form', checked: true });
  const modeJson = h('input', { type: 'radio', name: 'mode', value: 'json' });
  const formPanel = h('div', { class: 'form-panel' },
    h('fieldset', { 'data-path': 'objective' }, h('legend', {}, 'Objective'), objectiveBox),
    h('fieldset', { 'data-path': 'optimizer' }, h('legend', {}, 'Optimizer'),
      h('div', { class: 'inline-fields' }, field('Algorithm', controls.optimizer, { path: 'optimizer.name' }), field('Flavor', controls.flavor, { path: 'optimizer.flavor', help: 'paper: the overview\'s equations; pytorch: torch.optim\'s arithmetic.' })),
      h('p', { class: 'field-help optimizer-description' }),
      hyperparameterBox),
    settingsBox);
  const jsonPanel = h('div', { class: 'json-panel', hidden: true },
    field('Run spec (JSON)', controls.json, { path: '', help: 'The body of POST /v1/runs. Errors are listed below with the path they name.' }),
    jsonErrors);

  const form = h('form', { class: 'submit-form', novalidate: true, 'aria-labelledby': 'new-run-title' },
    h('h2', { id: 'new-run-title' }, 'New run'),
    h('fieldset', { class: 'mode-switch' }, h('legend', { class: 'visually-hidden' }, 'Editor'),
      h('label', { class: 'toggle' }, modeForm, ' Form'), h('label', { class: 'toggle' }, modeJson, ' JSON')),
    summary, formPanel, jsonPanel,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Submit run')));

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

  /** The objective, training and optional sections from the spec's schema. */
  async function buildSections() {
    const [schema, benchmarks, datasets] = await Promise.all([runSpecSchema(), benchmarkCatalogue(), uploadedDatasets().catch(() => [])]);
    const properties = schema.properties;
    const objective = schemaFields('Kind', properties.objective, 'objective');
    const training = schemaFields('Training', properties.training, 'training');
    const record = schemaFields('Recording', properties.record, 'record');
    const optional = Object.entries(optionalSections).filter(([name]) => properties[name]).map(([name, title]) => ({ name, ...optionalSection(title, properties[name], name) }));
    objectiveBox.replaceChildren(objective.element);
    settingsBox.replaceChildren(training.element, ...optional.map((section) => section.element), record.element);
    sections = { objective, training, record, optional };
    for (const [name, value] of Object.entries(startingValues)) {
      const control = form.querySelector(`[name="${name}"]`);
      if (control) control.value = value;
    }
    describeBenchmarks(benchmarks);
    offerDatasets(datasets);
  }

  /** The chosen benchmark's formula and sizes under its select, from the catalogue. */
  function describeBenchmarks(benchmarks) {
    const show = () => {
      const select = form.querySelector('select[name="objective.name"]');
      if (!select) return;
      const chosen = benchmarks.find((benchmark) => benchmark.name === select.value);
      const help = select.parentElement.querySelector('.field-help');
      if (chosen && help) {
        const { min, max } = chosen.dimensions;
        help.textContent = `${chosen.description} ${min === max ? `${min}-D.` : `Any size from ${min}; default ${chosen.dimensions.default}.`}`;
      }
    };
    objectiveBox.addEventListener('change', show);
    show();
  }

  /** Uploaded datasets offered by name wherever a dataset id is asked for. */
  function offerDatasets(datasets) {
    const list = h('datalist', { id: 'uploaded-datasets' }, datasets.map((dataset) => h('option', { value: dataset.id }, dataset.name ?? dataset.id)));
    form.append(list);
    const attach = () => {
      for (const input of form.querySelectorAll('input[name$=".id"]')) input.setAttribute('list', list.id);
    };
    objectiveBox.addEventListener('change', attach);
    attach();
  }

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
    const optimizer = { name: controls.optimizer.value, flavor: controls.flavor.value };
    for (const input of hyperparameterBox.querySelectorAll('input')) if (input.value !== '') optimizer[input.name] = Number(input.value);
    const spec = { objective: sections.objective.read(), optimizer, training: sections.training.read() };
    for (const section of sections.optional) {
      const value = section.read();
      if (value !== undefined) spec[section.name] = value;
    }
    const record = sections.record.read();
    if (Object.keys(record).length) spec.record = record;
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
        [catalogue] = await Promise.all([optimizerCatalogue(), buildSections()]);
      } catch (error) {
        summary.replaceChildren(h('p', { class: 'error' }, `The catalogues could not be loaded: ${error.message}`));
        return;
      }
      controls.optimizer.replaceChildren(...catalogue.map((optimizer) => h('option', { value: optimizer.name }, optimizer.name)));
      controls.optimizer.value = catalogue.some((optimizer) => optimizer.name === 'adam') ? 'adam' : catalogue[0]?.name ?? '';
      renderHyperparameters();
    },
  };
}
