import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { McapTypes } from '@mcap/core';
import { silentLogger } from '../core/index.js';
import type { Logger } from '../core/index.js';
import { BagReader, bagFilePaths } from './BagReader.js';
import { loadChunkCompressor, loadDecompressors } from './compression.js';
import { McapFileWriter } from './McapFileWriter.js';
import type { McapFileSummary } from './McapFileWriter.js';
import { McapScanner } from './McapScanner.js';
import { DEFAULT_OFFERED_QOS, metadataYaml } from './metadataYaml.js';

export interface RepairedFile {
  readonly path: string;
  /** `intact`: left as it was; `repaired`: rewritten from what could be read (original kept as .bak). */
  readonly status: 'intact' | 'repaired';
  readonly recovered: Readonly<Record<string, number>>;
  /** Messages known to be lost per topic (corrupt chunks' indexes); a truncated tail's count is unknown. */
  readonly lost: Readonly<Record<string, number>>;
  readonly problems: readonly string[];
  readonly backup?: string;
}

export interface RepairReport {
  readonly path: string;
  readonly files: readonly RepairedFile[];
}

export interface RepairOptions {
  /** Keep each damaged original as `<file>.bak` (default true). */
  readonly backup?: boolean;
  readonly logger?: Logger;
}

/**
 * Rewrites every damaged MCAP file of a bag (truncated by a crash, a corrupt chunk) into a
 * valid one: every readable message, with its channel, schema, times and sequence, chunked,
 * compressed and indexed anew, with the file's profile and metadata; then metadata.yaml is
 * written again. Intact files are left alone.
 */
export async function repairBag(path: string, options: RepairOptions = {}): Promise<RepairReport> {
  const logger = options.logger ?? silentLogger;
  const full = resolve(path);
  const isDir = statSync(full).isDirectory();
  const paths = isDir ? bagFilePaths(full) : [full];
  if (paths.length === 0) throw new Error(`bag repair: ${full} holds no .mcap file`);
  const decompressHandlers = await loadDecompressors();
  const compress = await loadChunkCompressor('zstd', 1);
  const files: RepairedFile[] = [];
  const rosSummaries: McapFileSummary[] = [];
  for (const file of paths) {
    const reader = await BagReader.open(file);
    const summary = reader.files[0].summary;
    const scanner = new McapScanner(file);
    const tmp = `${file}.repair-tmp`;
    if (existsSync(tmp)) rmSync(tmp);
    let writer: McapFileWriter | undefined;
    const recovered: Record<string, number> = {};
    const stream = scanner.messages({
      decompressHandlers,
      ...(summary === undefined ? {} : { channels: summary.channelsById, schemas: summary.schemasById }),
    });
    // Written while read: damage can show up anywhere, and a file found intact just drops its copy.
    for await (const { channel, schema, message } of stream) {
      recovered[channel.topic] = (recovered[channel.topic] ?? 0) + 1;
      writer ??= await McapFileWriter.create(tmp, {
        profile: scanner.header?.profile ?? '',
        chunkBytes: 1 << 20,
        ...(compress === undefined ? {} : { compressChunk: compress }),
        channelMetadata: (topic) => channelMetadataOf(scanner, topic),
        metadata: Object.fromEntries([...scanner.metadata].map(([k, v]) => [k, Object.fromEntries(v)])),
      });
      await writer.add({
        topic: channel.topic,
        logTime: message.logTime,
        publishTime: message.publishTime,
        sequence: message.sequence,
        schema: { name: schema?.name ?? '', encoding: schema?.encoding ?? '', data: schema?.data ?? new Uint8Array() },
        messageEncoding: channel.messageEncoding,
        data: message.data,
      });
    }
    const problems = scanner.problems.map((p) => p.message);
    const indexError = reader.files[0].indexError;
    if (summary === undefined && problems.length === 0 && indexError !== undefined && !/File is not indexed/.test(indexError)) problems.push(`${file}: its summary (indexes, statistics) cannot be read: ${indexError.replace(/ \[(library=[^\]]*|no header)\]$/, '')}`);
    const lost: Record<string, number> = {};
    for (const p of scanner.problems) for (const [t, n] of p.lost) lost[t] = (lost[t] ?? 0) + n;
    const isRos = (scanner.header?.profile ?? '') === 'ros2';
    if (summary !== undefined && scanner.problems.length === 0) {
      await writer?.close();
      rmSync(tmp, { force: true });
      files.push({ path: file, status: 'intact', recovered, lost, problems });
      if (isRos) rosSummaries.push(summaryOf(file, scanner, recovered));
      continue;
    }
    // A file with no readable message still becomes a valid, empty one.
    writer ??= await McapFileWriter.create(tmp, { profile: scanner.header?.profile ?? '', chunkBytes: 1 << 20 });
    const written = await writer.close();
    let backup: string | undefined;
    if (options.backup ?? true) {
      backup = `${file}.bak`;
      renameSync(file, backup);
    } else {
      rmSync(file);
    }
    renameSync(tmp, file);
    if (isRos) rosSummaries.push({ ...written, path: file });
    logger.warn(`bag repair: rewrote ${file}: ${Object.values(recovered).reduce((a, b) => a + b, 0)} messages recovered`, { problems });
    files.push({ path: file, status: 'repaired', recovered, lost, problems, ...(backup === undefined ? {} : { backup }) });
  }
  if (isDir) {
    const yaml = metadataYaml(rosSummaries, (p) => relative(full, p));
    const tmp = join(full, '.metadata.yaml.tmp');
    writeFileSync(tmp, yaml);
    renameSync(tmp, join(full, 'metadata.yaml'));
  }
  return { path: full, files };
}

/** The repair report as text. */
export function formatRepairReport(report: RepairReport): string {
  const lines = [`bag repair ${report.path}`];
  for (const f of report.files) {
    const counts = (r: Readonly<Record<string, number>>): string => Object.entries(r).map(([t, n]) => `${t} ${n}`).join(', ') || 'none';
    lines.push(`  ${basename(f.path)}: ${f.status}${f.backup === undefined ? '' : ` (original kept as ${basename(f.backup)})`}`);
    lines.push(`    recovered: ${counts(f.recovered)}`);
    if (f.status === 'repaired') lines.push(`    lost: ${counts(f.lost)}${f.problems.some((p) => / is truncated/.test(p)) ? ', plus the unfinished chunk at the cut (its count is unknown)' : ''}`);
    for (const p of f.problems) lines.push(`    problem: ${p}`);
  }
  return `${lines.join('\n')}\n`;
}

function channelMetadataOf(scanner: McapScanner, topic: string): Map<string, string> {
  for (const c of scanner.channels.values()) if (c.topic === topic) return new Map(c.metadata);
  return new Map([['offered_qos_profiles', DEFAULT_OFFERED_QOS]]);
}

function summaryOf(path: string, scanner: McapScanner, counts: Record<string, number>): McapFileSummary {
  const stats: McapTypes.Statistics | undefined = scanner.statistics;
  const topics = [...scanner.channels.values()].map((c) => ({
    topic: c.topic,
    schemaName: scanner.schemas.get(c.schemaId)?.name ?? '',
    messageEncoding: c.messageEncoding,
    count: counts[c.topic] ?? 0,
  }));
  return {
    path,
    bytes: statSync(path).size,
    messageCount: Object.values(counts).reduce((a, b) => a + b, 0),
    startTime: stats?.messageStartTime ?? 0n,
    endTime: stats?.messageEndTime ?? 0n,
    topics,
  };
}
