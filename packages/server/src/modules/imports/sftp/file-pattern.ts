/**
 * File name globs as people write them for drop folders: `*` any run of characters, `?` one
 * character, `[abc]` / `[a-z]` / `[!abc]` one of a set; everything else literal. Matched against
 * the whole name, case-sensitively (SFTP servers mostly are).
 */
export function globProblem(pattern: string): string | null {
  if (pattern.includes('/')) return 'matches file names in the folder; it cannot contain "/"';
  if (/\[[^\]]*$/.test(pattern)) return 'has a "[" without its "]"';
  return null;
}

export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) {
        out += '\\[';
        continue;
      }
      let set = pattern.slice(i + 1, end);
      const negate = set.startsWith('!');
      if (negate) set = set.slice(1);
      out += `[${negate ? '^' : ''}${set.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}
