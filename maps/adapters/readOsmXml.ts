import { createReadStream } from 'node:fs';
import sax from 'sax';
import type { OsmData } from '../core/featuresFromOsm.ts';
import { MapValidationError } from '../core/MapValidationError.ts';

/**
 * Streams an OpenStreetMap XML (API 0.6 / JOSM) file into raw elements with the `sax` parser, so a large export
 * never sits in memory as one string or DOM. Deleted elements (`action="delete"`, `visible="false"`) are skipped.
 * Malformed XML or bad coordinates throw MapValidationError naming the file, the element and the line.
 */
export async function readOsmXml(file: string): Promise<OsmData> {
  const data: OsmData = { nodes: new Map(), ways: [], relations: [] };
  const parser = sax.parser(true, { trim: true });
  let tags: Record<string, string> | undefined;
  let current: { kind: 'node' | 'way' | 'relation'; id: string; lon: number; lat: number; refs: string[]; members: OsmData['relations'][number]['members'] } | undefined;
  let sawRoot = false;
  let failure: MapValidationError | undefined;

  parser.onopentag = (tag) => {
    const a = tag.attributes as Record<string, string>;
    switch (tag.name) {
      case 'osm':
        sawRoot = true;
        return;
      case 'node':
      case 'way':
      case 'relation': {
        const skip = a.action === 'delete' || a.visible === 'false';
        current = skip ? undefined : { kind: tag.name, id: a.id ?? '', lon: Number(a.lon), lat: Number(a.lat), refs: [], members: [] };
        tags = undefined;
        if (current !== undefined && tag.name === 'node' &&
          (!Number.isFinite(current.lon) || !Number.isFinite(current.lat) || Math.abs(current.lon) > 180 || Math.abs(current.lat) > 90)) {
          failure ??= new MapValidationError(file, `bad coordinates lat=${a.lat} lon=${a.lon} (line ${parser.line + 1})`, { featureId: `node/${a.id}` });
          current = undefined;
        }
        return;
      }
      case 'tag':
        if (current !== undefined && a.k !== undefined) (tags ??= {})[a.k] = a.v ?? '';
        return;
      case 'nd':
        if (current?.kind === 'way' && a.ref !== undefined) current.refs.push(a.ref);
        return;
      case 'member':
        if (current?.kind === 'relation' && a.ref !== undefined) current.members.push({ type: a.type ?? '', ref: a.ref, role: a.role ?? '' });
        return;
      default:
    }
  };
  parser.onclosetag = (name) => {
    if (current === undefined || name !== current.kind) return;
    const t = tags ?? {};
    if (current.kind === 'node') data.nodes.set(current.id, tags === undefined ? { lon: current.lon, lat: current.lat } : { lon: current.lon, lat: current.lat, tags: t });
    else if (current.kind === 'way') data.ways.push({ id: current.id, refs: current.refs, tags: t });
    else data.relations.push({ id: current.id, members: current.members, tags: t });
    current = undefined;
    tags = undefined;
  };
  parser.onerror = (e) => {
    failure ??= new MapValidationError(file, `malformed OSM XML: ${e.message.split('\n')[0]} (line ${parser.line + 1})`, { cause: e });
  };

  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8' })) {
      parser.write(chunk as string);
      if (failure !== undefined) throw failure;
    }
    parser.close();
  } catch (e) {
    if (e instanceof MapValidationError) throw e;
    throw new MapValidationError(file, `cannot read file: ${(e as Error).message}`, { cause: e });
  }
  if (failure !== undefined) throw failure;
  if (!sawRoot) throw new MapValidationError(file, 'not an OSM XML file (no <osm> root element)');
  return data;
}
