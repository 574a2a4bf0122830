import { DAY_MS } from './calendar.js';
import { MAX_BASELINE_M } from './inventory.js';
import type { MousRow } from './mous.js';
import { BAND_RANGE_GHZ } from './projects.js';
import { hashLabel } from './rng.js';
import type { PassEb } from './sb-states.js';

/**
 * The public archive's `ivoa.obscore` (§7, [S1]): one row per delivered MOUS product, with
 * every column of the ALMA TAP table in its order. The simulator has no model of the sky,
 * the publications or the proposal texts: those columns are null. Positions are a stable
 * function of the target name (J-names are decoded), so a target sits at one place.
 * Real ALMA rows are per MOUS × source × spectral window; here one row stands for the MOUS,
 * its `asdm_uid` the EB that completed it.
 */

export interface ObscoreRow {
  obs_publisher_did: string;
  obs_collection: string;
  facility_name: string;
  instrument_name: string;
  obs_id: string;
  dataproduct_type: string;
  calib_level: number;
  target_name: string;
  s_ra: number;
  s_dec: number;
  s_fov: number;
  s_region: string;
  s_resolution: number;
  t_min: number;
  t_max: number;
  t_exptime: number;
  t_resolution: number;
  em_min: number;
  em_max: number;
  em_res_power: number;
  pol_states: string;
  o_ucd: string;
  access_url: string;
  access_format: string;
  proposal_id: string;
  data_rights: string;
  gal_longitude: number;
  gal_latitude: number;
  band_list: string;
  em_resolution: number;
  bandwidth: number;
  antenna_arrays: string;
  is_mosaic: string;
  obs_release_date: number;
  spatial_resolution: number;
  frequency_support: string;
  frequency: number;
  velocity_resolution: number;
  obs_creator_name: string | null;
  pub_title: string | null;
  first_author: string | null;
  authors: string | null;
  pub_abstract: string | null;
  publication_year: number | null;
  proposal_abstract: string | null;
  schedblock_name: string;
  proposal_authors: string | null;
  sensitivity_10kms: number | null;
  cont_sensitivity_bandwidth: number | null;
  pwv: number;
  group_ous_uid: string;
  member_ous_uid: string;
  asdm_uid: string;
  obs_title: string | null;
  type: string;
  scan_intent: string;
  science_observation: string;
  spatial_scale_max: number | null;
  qa2_passed: string;
  bib_reference: string | null;
  science_keyword: string | null;
  scientific_category: string | null;
  spectral_resolution: number;
  lastModified: number;
}

const C_M_S = 299_792_458;
const MJD_EPOCH_DAYS = 40_587;
/** ALMA data become public 12 months after delivery to the PI (the proprietary period). */
const PROPRIETARY_MS = 365 * DAY_MS;
/** Four 1.875-GHz spectral windows; 2SB receivers put two per sideband, 8 GHz apart at the centre. */
const SPW_GHZ = 1.875;
const CHANNEL_HZ = 976_562.5;
/** Share of the EB time spent on the science target [A]. */
const ON_SOURCE_SHARE = 0.55;
const RAD_TO_ARCSEC = 206_264.806;
const DISH_M: Record<string, number> = { '12m': 12, '7m': 7, TP: 12 };
/** Longest and shortest baselines (m) of the 7-m array; TP has none. */
const ACA_BASELINES_M: [number, number] = [48.9, 8.9];

const mjd = (ms: number) => ms / DAY_MS + MJD_EPOCH_DAYS;
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The Obscore row of a delivered MOUS, from its Pass EBs (null when it was not delivered). */
export function obscoreRow(mous: MousRow, passes: readonly PassEb[], endMs: number): ObscoreRow | null {
  if (mous.state !== 'Delivered' || mous.delivered_ts === null || passes.length === 0) return null;
  const repFreqGhz = passes[0].rep_freq_ghz;
  const band = Number(mous.band.slice(-2));
  const target = mous.sb_name.split('_').slice(0, -3).join('_');
  const [ra, dec] = position(target);
  const [l, b] = galactic(ra, dec);
  const [lo, hi] = BAND_RANGE_GHZ[band];
  const spws = spectralWindows(repFreqGhz, lo, hi);
  const fMin = Math.min(...spws);
  const fMax = Math.max(...spws) + SPW_GHZ;
  const lambdaM = C_M_S / (repFreqGhz * 1e9);
  const last = passes[passes.length - 1];
  const [maxBaseline, minBaseline] = baselines(mous.array_family, last.configuration);
  const beamDeg = ((1.13 * lambdaM) / DISH_M[mous.array_family]) * (180 / Math.PI);
  const resolution = maxBaseline === null ? beamDeg * 3600 : ((0.574 * lambdaM) / maxBaseline) * RAD_TO_ARCSEC;
  const exposure = passes.reduce((s, e) => s + (e.end_ts - e.start_ts) / 1000, 0) * ON_SOURCE_SHARE;
  const releaseMs = mous.delivered_ts + PROPRIETARY_MS;
  const code = mous.project_code;
  return {
    obs_publisher_did: `ADS/JAO.ALMA#${code}`,
    obs_collection: 'ALMA',
    facility_name: 'JAO',
    instrument_name: 'ALMA',
    obs_id: `${mous.mous_uid}.source.${target}.spw.${17 + 2 * (hashLabel(0, mous.mous_uid) % 4)}`,
    dataproduct_type: 'cube',
    calib_level: 2,
    target_name: target,
    s_ra: ra,
    s_dec: dec,
    s_fov: round(beamDeg, 6),
    s_region: `Circle ICRS ${ra.toFixed(6)} ${dec.toFixed(6)} ${(beamDeg / 2).toFixed(6)}`,
    s_resolution: round(resolution, 4),
    t_min: round(mjd(passes[0].start_ts), 6),
    t_max: round(mjd(last.end_ts), 6),
    t_exptime: round(exposure, 1),
    t_resolution: mous.array_family === 'TP' ? 1.008 : 6.048,
    em_min: C_M_S / (fMax * 1e9),
    em_max: C_M_S / (fMin * 1e9),
    em_res_power: round((repFreqGhz * 1e9) / CHANNEL_HZ, 1),
    pol_states: '/XX/YY/',
    o_ucd: 'phot.flux.density;phys.polarisation',
    access_url: `https://almascience.org/dataPortal/member.${mous.mous_uid.replace(/[:/]/g, '_')}.tar`,
    access_format: 'application/x-tar',
    proposal_id: code,
    data_rights: releaseMs <= endMs ? 'Public' : 'Proprietary',
    gal_longitude: l,
    gal_latitude: b,
    band_list: String(band),
    em_resolution: CHANNEL_HZ,
    bandwidth: SPW_GHZ * 1e9 * spws.length,
    antenna_arrays: last.antennas,
    is_mosaic: hashLabel(1, mous.sb_uid) % 5 === 0 ? 'T' : 'F',
    obs_release_date: releaseMs,
    spatial_resolution: round(resolution, 4),
    frequency_support: spws
      .map((f) => `[${f.toFixed(2)}..${(f + SPW_GHZ).toFixed(2)}GHz,${(CHANNEL_HZ / 1e3).toFixed(2)}kHz,XX YY]`)
      .join(' U '),
    frequency: repFreqGhz,
    velocity_resolution: round((C_M_S * CHANNEL_HZ) / (repFreqGhz * 1e9), 1),
    obs_creator_name: null,
    pub_title: null,
    first_author: null,
    authors: null,
    pub_abstract: null,
    publication_year: null,
    proposal_abstract: null,
    schedblock_name: mous.sb_name,
    proposal_authors: null,
    sensitivity_10kms: null,
    cont_sensitivity_bandwidth: null,
    pwv: round(passes.reduce((s, e) => s + e.pwv_mm, 0) / passes.length, 3),
    group_ous_uid: mous.gous_uid,
    member_ous_uid: mous.mous_uid,
    asdm_uid: last.eb_uid,
    obs_title: null,
    type: code.slice(-1),
    scan_intent: 'TARGET',
    science_observation: 'T',
    spatial_scale_max: minBaseline === null ? null : round(((0.983 * lambdaM) / minBaseline) * RAD_TO_ARCSEC, 3),
    qa2_passed: mous.qa2_status === 'Pass' || mous.qa2_status === 'SemiPass' ? 'T' : 'F',
    bib_reference: null,
    science_keyword: null,
    scientific_category: null,
    spectral_resolution: CHANNEL_HZ,
    lastModified: mous.delivered_ts,
  };
}

/** Lower edges (GHz) of four spectral windows around the representative frequency, inside the band. */
function spectralWindows(rep: number, lo: number, hi: number): number[] {
  const clamp = (f: number) => Math.min(Math.max(f, lo), hi - SPW_GHZ);
  return [rep - 0.9, rep + 1.1, rep + 6.1, rep + 8.1].map((f) => round(clamp(f), 3));
}

/** [longest, shortest] baseline (m) of the array an EB ran on; TP has no baselines. */
function baselines(family: string, configuration: string): [number | null, number | null] {
  if (family === 'TP') return [null, null];
  if (family === '7m') return ACA_BASELINES_M;
  const level = Number(/C-?(\d+)/.exec(configuration)?.[1] ?? 5);
  return [MAX_BASELINE_M[Math.min(Math.max(level, 1), 10) - 1], 15];
}

/** ICRS position (deg): decoded from a J-name, else a stable hash of the name over ALMA's sky. */
function position(target: string): [number, number] {
  const j = /^J(\d\d)(\d\d)([+-])(\d\d)(\d\d)$/.exec(target);
  if (j) {
    const ra = (Number(j[1]) + Number(j[2]) / 60) * 15;
    const dec = (j[3] === '-' ? -1 : 1) * (Number(j[4]) + Number(j[5]) / 60);
    return [round(ra, 6), round(dec, 6)];
  }
  const h = hashLabel(2, target);
  const ra = ((h & 0xffff) / 0x10000) * 360;
  const dec = Math.asin(-1 + ((h >>> 16) / 0x10000) * 1.64) * (180 / Math.PI); // dec −90°…+40°
  return [round(ra, 6), round(dec, 6)];
}

/** ICRS → Galactic (deg), with the IAU 1958 pole and node (J2000 values). */
function galactic(raDeg: number, decDeg: number): [number, number] {
  const r = Math.PI / 180;
  const ra = raDeg * r;
  const dec = decDeg * r;
  const raPole = 192.85948 * r;
  const decPole = 27.12825 * r;
  const lNode = 122.93192 * r;
  const sinB = Math.sin(dec) * Math.sin(decPole) + Math.cos(dec) * Math.cos(decPole) * Math.cos(ra - raPole);
  const bRad = Math.asin(sinB);
  const y = Math.cos(dec) * Math.sin(ra - raPole);
  const x = Math.sin(dec) * Math.cos(decPole) - Math.cos(dec) * Math.sin(decPole) * Math.cos(ra - raPole);
  const l = ((((lNode - Math.atan2(y, x)) / r) % 360) + 360) % 360;
  return [round(l, 6), round(bRad / r, 6)];
}
