/**
 * The price catalog: list prices per cloud and region, one JSON file per cloud in ./prices, each price with the
 * public page it was taken from and the date. Read from the repository at run time (no network); update a price
 * by editing its file, and `npm run synth` shows what the change does to every environment page.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Cloud } from '../model/types';

export interface Price {
  /** USD per `per`. */
  readonly price: number;
  /** The unit: `hour`, `gb-month`, `million-requests`, … */
  readonly per: string;
  /** The public price page it was taken from. */
  readonly source: string;
  /** A quote of the page showing the number, or null where the price could not be checked against a stored page. */
  readonly seen: string | null;
  readonly note?: string;
}

export interface PriceCatalog {
  readonly cloud: Cloud;
  readonly currency: 'USD';
  /** When the prices were taken (YYYY-MM-DD). */
  readonly taken: string;
  /** Region → price key → price. */
  readonly regions: Readonly<Record<string, Readonly<Record<string, Price>>>>;
}

export const PRICES_DIR = path.join(__dirname, 'prices');

const loaded = new Map<Cloud, PriceCatalog>();

/** The committed catalog of `cloud`. */
export function priceCatalog(cloud: Cloud): PriceCatalog {
  let catalog = loaded.get(cloud);
  if (!catalog) {
    catalog = JSON.parse(fs.readFileSync(path.join(PRICES_DIR, `${cloud}.json`), 'utf8')) as PriceCatalog;
    loaded.set(cloud, catalog);
  }
  return catalog;
}
