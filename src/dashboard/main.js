/**
 * The dashboard's entry: the key bar, the runs list and a hash router:
 * `#/runs/<id>`, `#/compare/<id>,<id>…`, `#/new`, `#/sweeps`, `#/sweeps/<id>`.
 */
import { ApiError, storedKey, storeKey } from './api.js';
import { optimizerCatalogue } from './catalogues.js';
import { createCompareView } from './compare/compare-view.js';
import { createRunsList } from './runs-list.js';
import { createRunView } from './runs/run-view.js';
import { createSubmitForm } from './submit-form.js';
import { createSweepView } from './sweeps/sweep-view.js';
import { createSweepsList } from './sweeps/sweeps-list.js';

const keyForm = document.getElementById('key-form');
const keyInput = document.getElementById('api-key');
const keyStatus = document.getElementById('key-status');
const notice = document.getElementById('notice');
const main = document.getElementById('main');

function showNotice(error) {
  if (!error) {
    notice.hidden = true;
    return;
  }
  const text = error instanceof ApiError && error.status === 401
    ? 'Enter a valid API key above (create one with `npx descent keys create --tenant NAME`).'
    : error.message;
  // Written only when it says something new: the notice is an alert, read out at every change.
  if (notice.textContent !== text) notice.textContent = text;
  notice.hidden = false;
}

const compareHash = (ids) => `#/compare/${ids.join(',')}`;

const runsList = createRunsList(document.getElementById('runs'), {
  onError: showNotice,
  onCompare: (ids) => { location.hash = compareHash(ids); },
});
const runView = createRunView(main, { onChanged: () => runsList.refresh() });
const compareView = createCompareView(main, {
  onRemove: (id) => { location.hash = compareHash(currentCompareIds().filter((other) => other !== id)); },
});
const sweepsList = createSweepsList(main);
const sweepView = createSweepView(main);
const submitForm = createSubmitForm(main, {
  onSubmitted: (run) => {
    location.hash = `#/runs/${run.id}`;
    runsList.refresh();
  },
});

function currentCompareIds() {
  const match = /^#\/compare\/([\w,-]*)$/.exec(location.hash);
  return match ? match[1].split(',').filter(Boolean) : [];
}

function closeViews() {
  runView.close();
  compareView.close();
  sweepsList.close();
  sweepView.close();
}

function route() {
  const run = /^#\/runs\/([\w-]+)$/.exec(location.hash);
  const sweep = /^#\/sweeps\/([\w-]+)$/.exec(location.hash);
  closeViews();
  if (sweep) {
    runsList.select(null);
    sweepView.open(sweep[1]);
  } else if (location.hash === '#/sweeps') {
    runsList.select(null);
    sweepsList.show();
  } else if (run) {
    runsList.select(run[1]);
    runView.open(run[1]);
  } else if (location.hash.startsWith('#/compare/')) {
    const ids = currentCompareIds();
    runsList.select(null);
    runsList.tick(ids);
    compareView.show(ids);
  } else if (location.hash === '#/new') {
    runsList.select(null);
    submitForm.show();
  } else {
    runsList.select(null);
    main.replaceChildren(Object.assign(document.createElement('p'), { className: 'muted placeholder', textContent: 'Choose a run on the left, tick runs to compare them, or submit a new one.' }));
  }
  main.focus({ preventScroll: true });
}

function showKeyState() {
  keyStatus.textContent = storedKey() ? 'Key saved in this browser.' : 'No key yet.';
}

async function loadCatalogues() {
  try {
    runsList.setOptimizers((await optimizerCatalogue()).map((optimizer) => optimizer.name));
  } catch {
    // Without a key the catalogue waits for one; the list shows the notice.
  }
}

keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  storeKey(keyInput.value.trim());
  keyInput.value = '';
  showKeyState();
  runsList.refresh();
  loadCatalogues();
  route();
});
document.getElementById('forget-key').addEventListener('click', () => {
  storeKey('');
  showKeyState();
  runsList.refresh();
});

window.addEventListener('hashchange', route);
showKeyState();
runsList.start();
loadCatalogues();
route();
