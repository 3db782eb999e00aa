/**
 * Synthetic identities for exported returns. Events carry no names, UPNs or postcodes, but a
 * return must look real, so each child gets made-up details from faker, seeded from the child id
 * (and the episode, for placement postcodes): the same child always gets the same details.
 */
import { Faker, base, en, en_GB } from '@faker-js/faker';
import { Rng } from '../../simulation/random.ts';

const faker = new Faker({ locale: [en_GB, en, base] });

/** FNV-1a 32-bit hash of a string (the seed for a child's details). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ';

/** The check letter of a UPN's last 12 characters (DfE: weights 2–13, modulo 23). */
export function upnCheckLetter(digits12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(digits12[i]) * (i + 2);
  return UPN_LETTERS[sum % 23];
}

/** True when `upn` is a 13-character UPN whose check letter is right. */
export function isValidUpn(upn: string): boolean {
  return /^[A-Z]\d{12}$/.test(upn) && upnCheckLetter(upn.slice(1)) === upn[0];
}

const AREAS = ['SO', 'PO', 'BH', 'SP', 'RG', 'GU', 'OX', 'BN', 'SN', 'BS', 'CF', 'B', 'M', 'L', 'LS', 'S', 'NE', 'NG', 'LE', 'CV', 'E', 'N', 'SE', 'SW', 'W', 'NW'];
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/** A UK-format postcode (outward area + district, inward digit + two letters); `int(n)` draws from [0, n). */
function postcode(int: (n: number) => number): string {
  const area = AREAS[int(AREAS.length)];
  const district = 1 + int(area.length === 1 ? 99 : 45);
  const l = (): string => INWARD_LETTERS[int(INWARD_LETTERS.length)];
  return `${area}${district} ${int(10)}${l()}${l()}`;
}

const fakerInt = (n: number): number => faker.number.int({ min: 0, max: n - 1 });

/** True when `s` has the shape of a UK postcode. */
export function isPostcodeShape(s: string): boolean {
  return /^[A-Z]{1,2}\d{1,2}[A-Z]? \d[A-Z]{2}$/.test(s);
}

export interface ChildIdentity {
  readonly upn: string;
  readonly homePostcode: string;
  readonly givenName: string;
  readonly familyName: string;
}

/**
 * Made-up details of a child: a UPN with a valid check letter (LA number `la`, an establishment
 * number, the year the child turned 4 as the allocation year), a home postcode and a name.
 */
export function childIdentity(childId: string, la: number, birthYear: number, sex: 'M' | 'F' | 'U'): ChildIdentity {
  faker.seed(hash32(`child:${childId}`));
  const estab = faker.number.int({ min: 2000, max: 7999 });
  const year = String((birthYear + 4) % 100).padStart(2, '0');
  const serial = String(faker.number.int({ min: 1, max: 999 })).padStart(3, '0');
  const digits = `${String(la % 1000).padStart(3, '0')}${estab}${year}${serial}`;
  return {
    upn: upnCheckLetter(digits) + digits,
    homePostcode: postcode(fakerInt),
    givenName: faker.person.firstName(sex === 'M' ? 'male' : sex === 'F' ? 'female' : undefined),
    familyName: faker.person.lastName(),
  };
}

/**
 * Made-up placement postcode and Ofsted URN for one of a child's placements (drawn from a
 * seeded `Rng` stream of the child and placement, which is much cheaper than re-seeding faker).
 */
export function placementIdentity(childId: string, placementIndex: number, place: string): { postcode: string; urn: string } {
  const rng = Rng.stream(hash32(`placement:${childId}`), placementIndex);
  const int = (n: number): number => rng.int(n);
  const pc = postcode(int);
  // registered settings (children's homes, residential schools, supported accommodation) have an Ofsted URN
  const registered = /^(K1|K2|K3|R1|R2|R5|S1|H5)$/.test(place);
  const urn = registered ? `SC${100000 + int(900000)}` : 'XXXXXXX';
  return { postcode: pc, urn };
}

/** `childIdentity` with a cache, for exports that write the same child in several years. */
export class IdentityCache {
  private readonly cache = new Map<string, ChildIdentity>();
  constructor(private readonly la: number) {}
  get(childId: string, birthYear: number, sex: 'M' | 'F' | 'U'): ChildIdentity {
    let id = this.cache.get(childId);
    if (!id) this.cache.set(childId, (id = childIdentity(childId, this.la, birthYear, sex)));
    return id;
  }
}

/** A disability code for a child recorded as disabled (CIN census Disability). */
export function disabilityCode(childId: string): string {
  faker.seed(hash32(`disability:${childId}`));
  return faker.helpers.arrayElement(['MOB', 'HAND', 'PC', 'INC', 'COMM', 'LD', 'HEAR', 'VIS', 'BEH', 'CON', 'AUT', 'DDA']);
}
