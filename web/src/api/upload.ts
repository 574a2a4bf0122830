import { toApiError } from './client';

export interface UploadProgress {
  loaded: number;
  total: number;
  /** 0..1 of the bytes sent; the server then imports the file (phase `importing`). */
  fraction: number;
  phase: 'sending' | 'importing';
}

/**
 * Uploads one file as multipart field `file`, after the text `fields` (the server reads fields
 * sent before the file); or, with `asBody`, as the request body itself, for routes that take a
 * file as is (a dataset's upload, the file's name in ?filename=): the server then writes it to
 * disk without scanning every byte for a multipart boundary. Uses XMLHttpRequest because fetch
 * cannot report upload progress. Resolves with the server's JSON answer.
 */
export function uploadFile<T>(
  url: string,
  file: File,
  onProgress: (p: UploadProgress) => void,
  signal?: AbortSignal,
  { fields = {}, asBody = false }: { fields?: Record<string, string>; asBody?: boolean } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      const total = e.lengthComputable ? e.total : file.size;
      onProgress({ loaded: e.loaded, total, fraction: total ? e.loaded / total : 0, phase: 'sending' });
    };
    xhr.upload.onload = () => onProgress({ loaded: file.size, total: file.size, fraction: 1, phase: 'importing' });
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(toApiError(xhr.status, body, `Upload failed with HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(toApiError(0, null, 'The upload was interrupted: cannot reach the Llano server.'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    if (asBody) {
      xhr.setRequestHeader('content-type', 'application/octet-stream');
      xhr.send(file);
      return;
    }
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
