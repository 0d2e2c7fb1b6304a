// A tuning set of real MIDI arrangements no other set here holds (issue 7, 8 Dec 2026): the eight OpenMSX
// files the wide set draws with FluidR3_GS (which renders them silent, so bench/wide-ids.mjs leaves them
// out) and Planet Blupi's ten MIDI files, each rendered with two other soundfonts.
//
//   cp bench/sets/midi2.mjs <corpus tools>/sets/ && <corpus tools>/build.sh midi2 /work/midi2 --jobs 2
//
// Planet Blupi's files need `apt-get install planetblupi-music-midi` and one more entry in the generator's
// MIDI_SOURCES (build.mjs):
//   planetblupi: { dir: '/usr/share/planetblupi/music', package: 'planetblupi-music-midi 1.14.2', license: 'GPL-3.0-or-later' },
// Two OpenMSX files fail to build (the_hobo_redfarn and ttsong_iii_imuh3 change time signature, which the
// generator's excerpts do not support); 32 songs remain. Score only the 20 whose notes sit on the file's beat grid
// (checks.onset_on_grid ≥ 0.5, x0001–x0024): the other Planet Blupi files were played in without a tempo
// map, so their ground-truth beats are not where the music's are. Planet Blupi's Ogg recordings of the
// same pieces are among the real recordings of `npm run bench:real`.
const OPENMSX = [
  'boogi_marabi_redfarn.mid',
  'careless_perc_redfarn.mid',
  'city_blues_redfarn.mid',
  'coconut_run2.mid',
  'modern_motion.mid',
  'the_hobo_redfarn.mid',
  'train_filled_with_cash.mid',
  'ttsong_iii_imuh3.mid',
];
const BLUPI = Array.from({ length: 10 }, (_, i) => `music00${i}.mid`);
const SF = ['FluidR3_GM', 'MuseScore_General_Lite', 'sf_GMbank'];
const FMT = ['mp3', 'ogg', 'flac', 'm4a', 'wav'];
const songs = [];
const id = () => 'x' + String(songs.length + 1).padStart(4, '0');
let k = 0;
for (const [from, files] of [
  ['openmsx', OPENMSX],
  ['planetblupi', BLUPI],
])
  for (const file of files)
    for (let v = 0; v < 2; v++, k++)
      songs.push({
        id: id(),
        kind: 'midi',
        format: FMT[k % FMT.length],
        soundfont: SF[(k + v) % SF.length],
        gain: 0.5,
        offset: 0.3 + (k % 5) * 0.3,
        master: k % 3 === 0 ? 6 : 0,
        rate: 44100,
        midi: {
          from,
          file,
          title: file.replace(/\.mid$/, ''),
          author: from === 'openmsx' ? 'the OpenMSX authors' : 'the Planet Blupi authors',
          maxSec: 150,
        },
      });
export default songs;
