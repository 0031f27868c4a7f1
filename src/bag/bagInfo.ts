import { basename } from 'node:path';
import { BagReader } from './BagReader.js';

export interface TopicInfo {
  readonly topic: string;
  readonly type: string;
  /** Serialisation: cdr or protobuf. */
  readonly encoding: string;
  readonly count: number;
}

export interface BagInfo {
  readonly path: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly role: 'ros' | 'agent'; readonly bytes: number; readonly intact: boolean }>;
  readonly bytes: number;
  readonly messageCount: number;
  /** Nanoseconds. */
  readonly startTime: bigint;
  readonly endTime: bigint;
  readonly durationS: number;
  readonly topics: readonly TopicInfo[];
  /** Readable figures of damaged files come from a scan; what is wrong with them is here. */
  readonly problems: readonly string[];
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Topics, types, counts, duration and sizes of a bag; damaged files are scanned, and their damage listed. */
export async function bagInfo(path: string): Promise<BagInfo> {
  const reader = await BagReader.open(path);
  const topics = new Map<string, { type: string; encoding: string; count: number }>();
  let start: bigint | undefined;
  let end: bigint | undefined;
  const span = (a: bigint, b: bigint): void => {
    if (start === undefined || a < start) start = a;
    if (end === undefined || b > end) end = b;
  };
  const add = (topic: string, type: string, encoding: string, n: number): void => {
    const t = topics.get(topic) ?? { type, encoding, count: 0 };
    t.count += n;
    topics.set(topic, t);
  };
  const damaged: number[] = [];
  for (const [i, f] of reader.files.entries()) {
    const s = f.summary;
    if (s?.statistics === undefined) {
      damaged.push(i);
      continue;
    }
    if (s.statistics.messageCount > 0n) span(s.statistics.messageStartTime, s.statistics.messageEndTime);
    for (const c of s.channelsById.values()) {
      add(c.topic, s.schemasById.get(c.schemaId)?.name ?? '', c.messageEncoding, Number(s.statistics.channelMessageCounts.get(c.id) ?? 0n));
    }
  }
  if (damaged.length > 0) {
    for await (const m of reader.messages()) {
      if (!damaged.includes(m.file)) continue;
      add(m.topic, m.schemaName, m.messageEncoding, 1);
      span(m.logTime, m.logTime);
    }
  }
  const metadata = await reader.metadata();
  return {
    path: reader.path,
    files: reader.files.map((f, i) => ({ path: f.path, role: f.role, bytes: f.bytes, intact: !damaged.includes(i) })),
    bytes: reader.files.reduce((n, f) => n + f.bytes, 0),
    messageCount: [...topics.values()].reduce((n, t) => n + t.count, 0),
    startTime: start ?? 0n,
    endTime: end ?? 0n,
    durationS: start === undefined ? 0 : Number(end! - start) / 1e9,
    topics: [...topics].map(([topic, t]) => ({ topic, ...t })).sort((a, b) => (a.topic < b.topic ? -1 : 1)),
    problems: [...reader.problems.map((p) => p.message), ...reader.files.filter((f) => f.indexError !== undefined && !reader.problems.some((p) => p.message.startsWith(f.path))).map((f) => `${f.path}: ${f.indexError}`)],
    ...(metadata === undefined ? {} : { metadata }),
  };
}

/** `bag info` as text, laid out like `ros2 bag info`. */
export function formatBagInfo(info: BagInfo): string {
  const mb = (b: number): string => (b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`);
  const time = (ns: bigint): string => `${(Number(ns) / 1e9).toFixed(3)} s`;
  const width = Math.max(0, ...info.topics.map((t) => t.topic.length));
  const lines = [
    `Files:             ${info.files.map((f) => `${basename(f.path)}${f.intact ? '' : ' (damaged)'}`).join(', ')}`,
    `Bag size:          ${mb(info.bytes)}`,
    `Duration:          ${info.durationS.toFixed(3)} s`,
    `Start:             ${time(info.startTime)}`,
    `End:               ${time(info.endTime)}`,
    `Messages:          ${info.messageCount}`,
    `Topic information:`,
    ...info.topics.map((t) => `  ${t.topic.padEnd(width)} | ${t.type} | ${t.count} msgs | ${t.encoding}`),
  ];
  if (info.metadata !== undefined) lines.push(`Recorded with:     ${Object.entries(info.metadata).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (info.problems.length > 0) lines.push('Problems (counts above are what is readable; `jepa-agent bag repair` rewrites the files):', ...info.problems.map((p) => `  ${p}`));
  return `${lines.join('\n')}\n`;
}
