/** The dashboard's entry: the key bar, the runs list and a hash router (#/runs/<id>, #/new). */
import { ApiError, storedKey, storeKey } from './api.js';
import { createRunsList } from './runs-list.js';
import { createRunView } from './runs/run-view.js';
import { createSubmitForm } from './submit-form.js';

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
  notice.hidden = false;
  notice.textContent = error instanceof ApiError && error.status === 401
    ? 'Enter a valid API key above (create one with `npx descent keys create --tenant NAME`).'
    : error.message;
}

const runsList = createRunsList(document.getElementById('runs'), { onError: showNotice });
const runView = createRunView(main, { onChanged: () => runsList.refresh() });
const submitForm = createSubmitForm(main, {
  onSubmitted: (run) => {
    location.hash = `#/runs/${run.id}`;
    runsList.refresh();
  },
});

function route() {
  const match = /^#\/runs\/([\w-]+)$/.exec(location.hash);
  if (match) {
    runsList.select(match[1]);
    runView.open(match[1]);
  } else if (location.hash === '#/new') {
    runView.close();
    runsList.select(null);
    submitForm.show();
  } else {
    runView.close();
    runsList.select(null);
    main.replaceChildren(Object.assign(document.createElement('p'), { className: 'muted placeholder', textContent: 'Choose a run on the left, or submit a new one.' }));
  }
  main.focus({ preventScroll: true });
}

function showKeyState() {
  keyStatus.textContent = storedKey() ? 'Key saved in this browser.' : 'No key yet.';
}

keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  storeKey(keyInput.value.trim());
  keyInput.value = '';
  showKeyState();
  runsList.refresh();
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
route();
