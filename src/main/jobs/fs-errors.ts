/** Maps Node fs errors to the app's error codes, with messages that name no path. */
import type { ErrorCode } from '../../shared';

export function fsErrorCode(err: unknown): ErrorCode {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'E_NOT_FOUND';
    case 'EACCES':
    case 'EPERM':
      return 'E_PERMISSION';
    case 'ELOOP':
      return 'E_SYMLINK_LOOP';
    case 'EISDIR':
      return 'E_NOT_REGULAR_FILE';
    case 'ENAMETOOLONG':
      return 'E_NOT_FOUND';
    default:
      return 'E_INTERNAL';
  }
}

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  E_NOT_FOUND: 'The file does not exist',
  E_PERMISSION: 'The file cannot be read (permission denied)',
  E_SYMLINK_LOOP: 'The path is a symbolic link loop',
  E_NOT_REGULAR_FILE: 'Not a regular file',
  E_INTERNAL: 'The file could not be read',
};

export function fsErrorMessage(code: ErrorCode): string {
  return MESSAGES[code] ?? 'The file could not be read';
}
