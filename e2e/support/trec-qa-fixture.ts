/**
 * A small receiver-temperature QA project for the explorer webapp: one EB (2 antennas, band 3,
 * 2 basebands, 3 ATM scans, X and Y) in trec_measurement, and the QA datasets the explorer reads,
 * as CSV files. The hand computation the browser test checks:
 *
 * - DA41: 12 values; −48 K is non-physical; 80 K (BB_1 X, scan 3) is twice its baseband's other
 *   scans (robust z ≈ 19 among DA41's X values); the 11 physical values sorted are
 *   39 40 40 41 41 42 42 43 43 44 80, median 42 K; outliers 2 (80 K and −48 K), non-physical 1.
 * - DA42: 12 values 50–55 K, each baseband 1 K apart: median (52 + 53)/2 = 52.5 K, no outlier.
 */
export const TREC_EB = 'uid://A002/X1/X1';

const scans = (antenna: string, values: Record<string, [number, number][]>) =>
  Object.entries(values).flatMap(([bb, rows]) =>
    rows.map(([x, y], i) => `${TREC_EB},${i + 1},${antenna},ALMA_RB_03,${bb},2025-01-10 0${i}:00:00,${x},${y}`),
  );

const history = (antenna: string, base: number, stepAt: number) =>
  Array.from({ length: 12 }, (_, d) => {
    const eb = d === 11 ? TREC_EB : `uid://A002/X1/H${d}`;
    const k = base * (d >= stepAt ? 1.1 : 1);
    return `${eb},${antenna},ALMA_RB_03,2025-01-${String(d + 1).padStart(2, '0')} 00:00:00,${k}`;
  });

export const TREC_QA_FIXTURE: Record<string, string> = {
  trec_measurement: [
    'uid,caldataid,antennaname,receiverband,basebandname,startvalidtime,trec_x,trec_y',
    ...scans('DA41', {
      BB_1: [
        [40, 39],
        [41, -48],
        [80, 40],
      ],
      BB_2: [
        [42, 41],
        [43, 42],
        [44, 43],
      ],
    }),
    ...scans('DA42', {
      BB_1: [
        [50, 50],
        [51, 51],
        [52, 52],
      ],
      BB_2: [
        [53, 53],
        [54, 54],
        [55, 55],
      ],
    }),
  ].join('\n'),
  eb_trec_antenna_band: [
    'eb_uid,antennaname,receiverband,eb_start,trec_k',
    ...history('DA41', 41, 5),
    ...history('DA42', 52, 20),
  ].join('\n'),
  eb_trec_clean: [
    'eb_uid,antennaname,receiverband,basebandname,pol,eb_start,trec_median,eb_outlier',
    `${TREC_EB},DA41,ALMA_RB_03,BB_1,X,2025-01-12 00:00:00,41,false`,
    `${TREC_EB},DA42,ALMA_RB_03,BB_1,X,2025-01-12 00:00:00,51,false`,
    'uid://A002/X1/H2,DA41,ALMA_RB_03,BB_1,X,2025-01-03 00:00:00,70,true',
  ].join('\n'),
  trec_change_explained: [
    'antennaname,receiverband,change_at,trec_before,trec_after,relative_magnitude,relative_to_array,device_change,device_change_at,eb_distance,label',
    'DA41,ALMA_RB_03,2025-01-06 00:00:00,41,45.1,0.1,0.1,,,,unexplained',
    'DA42,ALMA_RB_03,2025-01-08 00:00:00,52,49,-0.0577,-0.06,CartridgeReplaced,2025-01-08 00:00:00,0,explained',
  ].join('\n'),
  device_change: [
    'event_id,antennaname,eventtime,change_type,receiverband',
    '1,DA42,2025-01-08 00:00:00,CartridgeReplaced,ALMA_RB_03',
  ].join('\n'),
  trec_qa_scores: [
    'measure,truth,detected,right_detections,found,precision,recall',
    'change points: steps >= 5 %,63,74,74,62,1.0,0.984',
  ].join('\n'),
  trec_online_scores: [
    'alarms,alarms_at_events,false_alarms,antennas,years,false_alarms_per_antenna_year',
    '40,35,5,66,0.2464,0.307',
  ].join('\n'),
};
