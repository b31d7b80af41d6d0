const pad = (n: number): string => String(n).padStart(2, '0');

/** `25.12.2019 @14:27:02`: the form the portal and the old helper show. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()} @${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `25.12.2019`. */
export function formatDate(iso: string): string {
  return formatDateTime(iso).split(' @')[0]!;
}
