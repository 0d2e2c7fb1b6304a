// Groove-only tuning set (MMA arrangements in every style over the whole tempo range), for the octave
// decision and the harmony on groove music: the wide set holds too few slow rock/country/funk songs to tune on.
// A manifest for the corpus generator in ../shared/corpus/tools (not copied here): build it from a copy,
//   cp -r ../shared/corpus/tools /tmp/tools && cp bench/corpus-sets/grooves.mjs /tmp/tools/sets/
//   /tmp/tools/build.sh grooves /work/grooves --jobs 2     [--count 80] [--seed 11]
// One style over a chosen tempo range (a set to study one kind of error on; ids get their own prefix):
//   /tmp/tools/build.sh grooves /work/funk --count 30 --seed 13 --styles funk --bpm 110-165 --prefix f
const str = (name, dflt) => {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const arg = (name, dflt) => Number(str(name, dflt));
const COUNT = arg('count', 80),
  SEED = arg('seed', 11),
  PREFIX = str('prefix', 'g'),
  ONLY_STYLES = str('styles', '').split(',').filter(Boolean),
  BPM_RANGE = str('bpm', '').split('-').filter(Boolean).map(Number);
let st = (SEED * 2654435761) >>> 0;
const rnd = () => {
  st = (st + 0x6d2b79f5) >>> 0;
  let t = st;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rnd() * a.length)];
const chance = (p) => rnd() < p;
const between = (lo, hi) => lo + rnd() * (hi - lo);
const r2 = (x) => Math.round(x * 100) / 100;
// FluidR3_GS renders silence on these machines (the build drops those songs); a one-style set leaves it out.
const SOUNDFONTS = ONLY_STYLES.length
  ? ['FluidR3_GM', 'MuseScore_General_Lite', 'sf_GMbank']
  : ['FluidR3_GM', 'FluidR3_GS', 'MuseScore_General_Lite', 'sf_GMbank'];
const FORMATS = ['mp3', 'mp3', 'mp3', 'flac', 'ogg', 'm4a', 'wav'];
const KEYS = ['C', 'C#', 'Db', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];
const STYLES = [
  'rock',
  'softrock',
  'swing',
  'bossa',
  'country',
  'funk',
  'rock',
  'softrock',
  'country',
  'funk',
  'waltz',
  'jazzwaltz',
  'swing68',
];
const common = () => ({
  format: pick(FORMATS),
  soundfont: pick(SOUNDFONTS),
  gain: r2(between(0.35, 0.8)),
  offset: r2(between(0.05, 2.0)),
  master: chance(0.3) ? Math.round(between(3, 11)) : 0,
  rate: chance(0.15) ? 48000 : 44100,
});
const songs = [];
const id = () => PREFIX + String(songs.length + 1).padStart(4, '0');
while (songs.length < COUNT) {
  const seed = 20000 + SEED * 100000 + songs.length;
  const key = pick(KEYS),
    mode = chance(0.45) ? 'minor' : 'major';
  const style = pick(ONLY_STYLES.length ? ONLY_STYLES : STYLES);
  const waltz = /waltz/.test(style),
    six8 = style === 'swing68';
  const [lo, hi] = BPM_RANGE.length === 2 ? BPM_RANGE : six8 ? [50, 90] : waltz ? [90, 190] : [60, 170];
  const bpm = Math.round(between(lo, hi));
  songs.push({
    id: id(),
    kind: 'mma',
    ...common(),
    args: [
      '--style',
      style,
      '--bpm',
      String(bpm),
      '--key',
      key,
      '--mode',
      mode,
      '--seed',
      String(seed),
      '--targetSec',
      String(Math.round(between(60, 120))),
    ],
  });
}
export default songs;
