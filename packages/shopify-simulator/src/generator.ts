/**
 * A coffee roastery's shop of any size, the same for the same seed: single-origin coffees by
 * weight or by grind, customers, two years of orders (most shipped, a few cancelled) and stock
 * at two or three locations.
 */
import type { Clock } from "./clock.ts";
import {
  adjustQuantity,
  cancelOrder,
  createCustomer,
  createLocation,
  createProduct,
  fulfillOrder,
  type LocationInput,
  placeOrder,
  type VariantInput,
} from "./commerce.ts";
import { Random } from "./random.ts";
import type { CustomerRecord, VariantRecord } from "./records.ts";
import type { ShopState } from "./store.ts";

export interface CatalogueSize {
  products: number;
  customers: number;
  orders: number;
  /** 2 or 3; drawn from the seed when omitted. */
  locations?: number;
}

const origins: [country: string, code: string, regions: [string, string][]][] = [
  [
    "Brasil",
    "BRA",
    [
      ["Cerrado", "CER"],
      ["Santos", "SAN"],
      ["Sul de Minas", "SDM"],
      ["Mogiana", "MOG"],
    ],
  ],
  [
    "Äthiopien",
    "ETH",
    [
      ["Yirgacheffe", "YIR"],
      ["Sidamo", "SID"],
      ["Guji", "GUJ"],
      ["Limu", "LIM"],
    ],
  ],
  [
    "Kolumbien",
    "COL",
    [
      ["Huila", "HUI"],
      ["Tolima", "TOL"],
      ["Nariño", "NAR"],
    ],
  ],
  [
    "Guatemala",
    "GUA",
    [
      ["Antigua", "ANT"],
      ["Huehuetenango", "HUE"],
    ],
  ],
  [
    "Kenia",
    "KEN",
    [
      ["Nyeri", "NYE"],
      ["Kirinyaga", "KIR"],
    ],
  ],
  ["Peru", "PER", [["Cajamarca", "CAJ"]]],
  ["Honduras", "HON", [["Marcala", "MAR"]]],
  ["Costa Rica", "CRI", [["Tarrazú", "TAR"]]],
  ["Indien", "IND", [["Monsooned Malabar", "MAL"]]],
  ["Ruanda", "RWA", [["Nyamasheke", "NYA"]]],
  ["Mexiko", "MEX", [["Chiapas", "CHI"]]],
  ["Nicaragua", "NIC", [["Jinotega", "JIN"]]],
];
const coffees = origins.flatMap(([country, code, regions]) =>
  regions.map(([region, regionCode]) => ({
    title: `${country} ${region}`,
    country,
    sku: `${code}-${regionCode}`,
  })),
);
const weights = [
  { label: "250 g", grams: 250, factor: 1 },
  { label: "500 g", grams: 500, factor: 1.85 },
  { label: "1 kg", grams: 1000, factor: 3.4 },
];
const grinds = [
  { label: "Bohne", code: "B" },
  { label: "Filter", code: "F" },
  { label: "Espresso", code: "E" },
];
const locationInputs: LocationInput[] = [
  {
    name: "Rösterei Leipzig",
    address1: "Karl-Heine-Straße 12",
    zip: "04229",
    city: "Leipzig",
    primary: true,
  },
  { name: "Lager Halle", address1: "Am Saalehafen 3", zip: "06118", city: "Halle (Saale)" },
  { name: "Café Connewitz", address1: "Bornaische Straße 5", zip: "04277", city: "Leipzig" },
];
const firstNames = [
  "Anna",
  "Ben",
  "Clara",
  "David",
  "Emma",
  "Felix",
  "Greta",
  "Hannes",
  "Ida",
  "Jonas",
  "Klara",
  "Lukas",
  "Mia",
  "Noah",
  "Paula",
  "Emil",
  "Sophie",
  "Tim",
  "Jürgen",
  "Zoë",
];
const lastNames = [
  "Müller",
  "Schmidt",
  "Schneider",
  "Fischer",
  "Weber",
  "Meyer",
  "Wagner",
  "Becker",
  "Schulz",
  "Hoffmann",
  "Koch",
  "Richter",
  "Klein",
  "Wolf",
  "Schröder",
  "Neumann",
  "Braun",
  "Zimmermann",
  "Krüger",
  "Hartmann",
];

const DAY = 86_400_000;

export function populateShop(
  shop: ShopState,
  seed: number | string,
  size: CatalogueSize,
  clock: Clock,
): void {
  const random = new Random(seed);
  const now = clock.now();
  const locationCount = size.locations ?? random.int(2, 3);
  const locationsAt = clock.iso(now - 4 * 365 * DAY);
  for (const input of locationInputs.slice(0, locationCount))
    createLocation(shop, locationsAt, input);

  const variants = generateProducts(shop, random, size.products, now, clock);
  const customers = generateCustomers(shop, random, size.customers, now, clock);
  generateOrders(shop, random, size.orders, variants, customers, now, clock);

  // Two years of sales can oversell a small catalogue; the roastery restocked.
  for (const level of shop.inventoryLevels.values()) {
    if (level.amounts.available < 0) {
      adjustQuantity(
        shop,
        level,
        "available",
        random.int(0, 30) - level.amounts.available,
        level.updatedAt,
      );
    }
  }
}

/** `count` ascending timestamps spread over [start, end). */
function spread(random: Random, count: number, start: number, end: number, index: number): number {
  const step = (end - start) / Math.max(1, count);
  return Math.floor(start + index * step + random.next() * step);
}

function generateProducts(
  shop: ShopState,
  random: Random,
  count: number,
  now: number,
  clock: Clock,
): VariantRecord[] {
  const start = now - 3 * 365 * DAY;
  for (let i = 0; i < count; i++) {
    const coffee = coffees[i % coffees.length] as (typeof coffees)[number];
    const lot = Math.floor(i / coffees.length) + 1;
    const title = lot === 1 ? coffee.title : `${coffee.title} Lot ${lot}`;
    const skuStem = lot === 1 ? coffee.sku : `${coffee.sku}-L${lot}`;
    const basePrice = 790 + random.int(0, 6) * 100;
    const stock = () =>
      shop.locations.items.map((_, index) => random.int(0, index === 0 ? 200 : 60 / index));
    const sku = (text: string) => (random.chance(0.02) ? "" : text);
    // Half the coffees come by weight as whole beans, the other half by grind in 1 kg bags.
    const byWeight = i % 2 === 0;
    const variants: VariantInput[] = byWeight
      ? weights.map((w) => ({
          option: w.label,
          sku: sku(`${skuStem}-${w.grams}-B`),
          priceCents: roundPrice(basePrice * w.factor),
          available: stock(),
        }))
      : grinds.map((g) => ({
          option: g.label,
          sku: sku(`${skuStem}-1000-${g.code}`),
          priceCents: roundPrice(basePrice * 3.4),
          available: stock(),
        }));
    const createdAt = spread(random, count, start, now - DAY, i);
    const roll = random.next();
    const product = createProduct(shop, clock.iso(createdAt), {
      title: byWeight ? title : `${title} 1 kg`,
      vendor: shop.shop.name,
      productType: "Kaffee",
      status: roll < 0.95 ? "ACTIVE" : roll < 0.98 ? "DRAFT" : "ARCHIVED",
      tags: ["Single Origin", coffee.country],
      description: `Single-Origin-Kaffee aus ${coffee.country}, schonend geröstet in Leipzig.`,
      optionName: byWeight ? "Gewicht" : "Mahlgrad",
      variants,
    });
    const updatedAt = clock.iso(createdAt + random.next() * (now - createdAt));
    product.updatedAt = updatedAt;
    for (const variant of product.variants) variant.updatedAt = updatedAt;
  }
  shop.products.changed();
  shop.variants.changed();
  return shop.variants.items.slice();
}

/** Prices end in ,90 like a shop's. */
function roundPrice(priceCents: number): number {
  return Math.round(priceCents / 100) * 100 - 10;
}

function generateCustomers(
  shop: ShopState,
  random: Random,
  count: number,
  now: number,
  clock: Clock,
): CustomerRecord[] {
  const start = now - 3 * 365 * DAY;
  for (let i = 0; i < count; i++) {
    const firstName = random.pick(firstNames);
    const lastName = random.pick(lastNames);
    const roll = random.next();
    createCustomer(shop, clock.iso(spread(random, count, start, now - DAY, i)), {
      firstName,
      lastName,
      email: `${asciiName(firstName)}.${asciiName(lastName)}${i + 1}@example.com`,
      state:
        roll < 0.9 ? "ENABLED" : roll < 0.96 ? "DISABLED" : roll < 0.99 ? "INVITED" : "DECLINED",
      tags: random.chance(0.1) ? ["Abo"] : [],
    });
  }
  return shop.customers.items.slice();
}

function asciiName(name: string): string {
  return name
    .toLowerCase()
    .replace(/ä/g, "ae")
    .replace(/ö/g, "oe")
    .replace(/ü/g, "ue")
    .replace(/ë/g, "e");
}

function generateOrders(
  shop: ShopState,
  random: Random,
  count: number,
  variants: VariantRecord[],
  customers: CustomerRecord[],
  now: number,
  clock: Clock,
): void {
  if (variants.length === 0) return;
  const start = now - 2 * 365 * DAY;
  const location = shop.locations.items[0];
  if (!location) return;
  for (let i = 0; i < count; i++) {
    const createdAt = spread(random, count, start, now, i);
    const lines = new Map<VariantRecord, number>();
    const lineCount = random.int(1, 4);
    // Coffees and customers appear over time; an order only uses those that existed by then.
    const existed = (total: number) =>
      Math.max(
        1,
        Math.floor(total * Math.min(1, (createdAt - start) / (now - start) / 1.5 + 1 / 3)),
      );
    const offered = existed(variants.length);
    for (let l = 0; l < lineCount; l++) {
      lines.set(variants[random.int(0, offered - 1)] as VariantRecord, random.int(1, 3));
    }
    const known = customers.length && existed(customers.length);
    const customer =
      known > 0 && random.chance(0.92) ? (customers[random.int(0, known - 1)] ?? null) : null;
    const order = placeOrder(shop, clock.iso(createdAt), {
      lines: [...lines].map(([variant, quantity]) => ({ variant, quantity })),
      customer,
      location,
      email: customer ? undefined : `gast${i + 1}@example.com`,
    });
    const roll = random.next();
    const shippedAt = createdAt + random.int(1, 3) * DAY;
    if (roll < 0.7 && shippedAt < now) {
      fulfillOrder(shop, order, clock.iso(shippedAt), {
        company: "DHL",
        number: String(random.int(100_000_000_000, 999_999_999_999)),
      });
    } else if (roll < 0.73) {
      cancelOrder(
        shop,
        order,
        clock.iso(Math.min(now, createdAt + random.int(1, 20) * 3_600_000)),
        "CUSTOMER",
      );
    }
  }
}
