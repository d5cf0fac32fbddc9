/**
 * Saving an API export (a run's every recorded step as CSV) to a file.
 *
 * Where the browser lets the page write to a file the reader picks (the File System Access API,
 * as in Chromium), the response is piped into it as it arrives: nothing is held whole, so the
 * export of a run of millions of steps saves in constant memory and the file grows while the
 * server sends. Elsewhere the browser gathers the response into a Blob (its own storage, not the
 * page's heap, and never a string) and saves that.
 */
import { getFile } from './api.js';
import { h } from './dom.js';

/**
 * Asks where to save (where the browser can), then saves the export of `path`. Call it from the
 * click that asked for it: the browser shows its file dialog only then. Resolves to false when
 * the reader closed the dialog.
 * @param {string} path @param {{ accept: string, extension: string, fileName: string, description: string }} file
 */
export async function saveFile(path, { accept, extension, fileName, description }) {
  const handle = await pickFile({ suggestedName: fileName, types: [{ description, accept: { [accept]: [extension] } }] });
  if (handle === null) return false;
  const response = await getFile(path, accept);
  if (handle) {
    // pipeTo closes the file when the body ends, and aborts the write when the body fails (the
    // server or the network gave up part way). The file is then left empty, never holding the
    // first part of the export as if it were the whole.
    try {
      await response.body.pipeTo(await handle.createWritable());
    } catch (error) {
      await handle.createWritable().then((emptied) => emptied.close()).catch(() => undefined);
      throw error;
    }
    return true;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return true;
}

/** The file the reader picked; null when they closed the dialog; undefined when the browser has no such dialog for pages. */
async function pickFile(options) {
  if (typeof globalThis.showSaveFilePicker !== 'function') return undefined;
  try {
    return await globalThis.showSaveFilePicker(options);
  } catch (error) {
    if (error.name === 'AbortError') return null;
    // Refused (a page in a frame, a policy): the Blob way still saves it.
    return undefined;
  }
}
