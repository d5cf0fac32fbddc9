/**
 * Saving an API export (a run's every recorded step as CSV) to a file.
 *
 * Where the browser lets the page write to a file the reader picks (the File System Access API,
 * as in Chromium), the response is piped into it as it arrives: the page never holds it whole,
 * so the export of a run of millions of steps does not grow the page's memory with its size.
 * Elsewhere the response is gathered into a Blob (never a string; the browser decides where it
 * keeps it) and saved as a download.
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
    let writable;
    try {
      writable = await handle.createWritable();
    } catch (error) {
      // No writing to the file (refused, or the disk gone): the export is not read at all.
      await response.body.cancel().catch(() => undefined);
      throw error;
    }
    // pipeTo closes the file when the body ends, and aborts the write when the body fails (the
    // server or the network gave up part way). An aborted write may still leave what had been
    // written, so the file is then emptied, never holding the first part of the export as if it
    // were the whole, and the message says so.
    try {
      await response.body.pipeTo(writable);
    } catch (error) {
      await handle.createWritable().then((emptied) => emptied.close()).catch(() => undefined);
      throw new Error(`${error.message}; the file picked was left empty`, { cause: error });
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
