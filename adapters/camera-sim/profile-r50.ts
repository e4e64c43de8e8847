// The EOS R50's `GET /ccapi` answer, entry for entry (from a real capture, docs/camera-notes.md §8), in capture order.

export interface TopologyEntry {
  path: string;
  get: boolean;
  post: boolean;
  put: boolean;
  delete: boolean;
}
export type TopologyDoc = Record<string, TopologyEntry[]>;

/** Flags G/P/U/D, `.` for none (`G.UD` = get, put, delete), and a feature spec with at most one `{a,b}` group. */
type Line = readonly [flags: string, spec: string];

const VER100: readonly Line[] = [
  ['G...', 'deviceinformation'],
  ['G...', 'devicestatus/{battery,lens,temperature}'],
  ['G.UD', 'functions/ssl/servercert/commonname'],
  ['G...', 'functions/ssl/cacert'],
  ['G.U.', 'functions/cors/corssetting'],
  ['G.UD', 'functions/cors/origin'],
  ['G.UD', 'functions/registeredname/{copyright,author,ownername,nickname}'],
  ['G.U.', 'functions/datetime'],
  ['.P..', 'functions/cardformat'],
  ['G.U.', 'functions/{beep,displayoff,autopoweroff}'],
  ['.P..', 'functions/wificonnection'],
  ['.P..', 'shooting/control/{shutterbutton,shutterbutton/manual}'],
  ['GP..', 'shooting/control/{ignoreshootingmodedialmode,moviemode}'],
  ['.P..', 'shooting/control/{recbutton,drivefocus,af}'],
  ['G...', 'shooting/settings'],
  [
    'G.U.',
    'shooting/settings/{shootingmodedial,shootingmodedial/movie,av,tv,iso,exposure,wb,colortemperature,afoperation,' +
      'afmethod,stillimageaspectratio,flash,metering,drive,aeb,wbshift,wbbracket,colorspace,picturestyle}',
  ],
  [
    'G.UD',
    'shooting/settings/picturestyle/{auto,standard,portrait,landscape,finedetail,neutral,faithful,monochrome,' +
      'userdef1,userdef2,userdef3}',
  ],
  ['G.U.', 'shooting/settings/picturestyle/{userdef1,userdef2,userdef3}/basepicturestyle'],
  [
    'G.U.',
    'shooting/settings/{focusbracketing,focusbracketing/numberofshots,focusbracketing/focusincrement,' +
      'focusbracketing/exposuresmoothing,moviequality,soundrecording,soundrecording/level,soundrecording/windfilter,' +
      'soundrecording/attenuator}',
  ],
  ['G...', 'shooting/information/recordable'],
  ['.P..', 'shooting/liveview'],
  ['G...', 'shooting/liveview/{flip,flipdetail}'],
  ['G..D', 'shooting/liveview/{scroll,scrolldetail,multipart}'],
  ['GP..', 'shooting/liveview/rtp'],
  ['G...', 'shooting/liveview/rtpsessiondesc'],
  ['.P..', 'shooting/liveview/angleinformation'],
  ['..U.', 'shooting/liveview/afframeposition'],
  ['G..D', 'event/monitoring'],
];

const VER110: readonly Line[] = [
  ['G...', 'devicestatus/{storage,currentstorage,currentdirectory,batterylist}'],
  ['G...', 'functions/wifisetting'],
  ['G.UD', 'functions/wifisetting/{set1,set2,set3}'],
  ['G...', 'shooting/settings'],
  ['G.U.', 'shooting/settings/{stillimagequality,hdr,shuttermode,trackingsetting,highframerate}'],
  ['.P..', 'shooting/liveview/clickwb'],
  ['G..D', 'event/polling'],
  ['G...', 'customfunction/exposureincrements/{av,tv,exposure,flashexposure}'],
  ['G...', 'customfunction/isoincrements'],
  ['.P..', 'shooting/control/flickerdetection'],
  ['G.U.', 'shooting/settings/antiflickershoot'],
];

const VER130: readonly Line[] = [['G.UD', 'contents']];

function expand(spec: string): string[] {
  const m = /^(.*)\{([^}]*)\}(.*)$/.exec(spec);
  return m ? m[2]!.split(',').map((part) => `${m[1]}${part}${m[3]}`) : [spec];
}

function entries(version: string, lines: readonly Line[]): TopologyEntry[] {
  return lines.flatMap(([flags, spec]) =>
    expand(spec).map((feature) => ({
      path: `/ccapi/${version}/${feature}`,
      get: flags[0] === 'G',
      post: flags[1] === 'P',
      put: flags[2] === 'U',
      delete: flags[3] === 'D',
    })),
  );
}

/** A fresh copy of the R50 topology document (80 + 23 + 0 + 1 entries). */
export function r50Topology(): TopologyDoc {
  return { ver100: entries('ver100', VER100), ver110: entries('ver110', VER110), ver120: [], ver130: entries('ver130', VER130) };
}

const TV = [
  'bulb', '30"', '25"', '20"', '15"', '13"', '10"', '8"', '6"', '5"', '4"', '3"2', '2"5', '2"', '1"6', '1"3', '1"',
  '0"8', '0"6', '0"5', '0"4', '0"3', '1/4', '1/5', '1/6', '1/8', '1/10', '1/13', '1/15', '1/20', '1/25', '1/30',
  '1/40', '1/50', '1/60', '1/80', '1/100', '1/125', '1/160', '1/200', '1/250', '1/320', '1/400', '1/500', '1/640',
  '1/800', '1/1000', '1/1250', '1/1600', '1/2000', '1/2500', '1/3200', '1/4000',
];
const ISO = [
  'auto', '100', '125', '160', '200', '250', '320', '400', '500', '640', '800', '1000', '1250', '1600', '2000', '2500',
  '3200', '4000', '5000', '6400', '8000', '10000', '12800', '16000', '20000', '25600', '32000',
];

/**
 * The shooting settings of a real R50 in manual mode, value and ability as its event poll gave them
 * (docs/camera-notes.md §11, §15); the simulator starts from these (Tv from its options).
 */
export const R50_SETTINGS: Readonly<Record<string, { value: unknown; ability: unknown }>> = {
  shootingmodedial: { value: 'm', ability: ['m'] },
  shootingmodedial_movie: { value: 'manual', ability: ['manual'] },
  av: { value: 'f5.6', ability: ['f5.0', 'f5.6', 'f6.3', 'f7.1', 'f8.0', 'f9.0', 'f10', 'f11', 'f13', 'f14', 'f16', 'f18', 'f20', 'f22', 'f25'] },
  tv: { value: '1/125', ability: TV },
  iso: { value: '1600', ability: ISO },
  exposure: { value: '+0.0', ability: ['+0.0'] },
  wb: { value: 'daylight', ability: ['auto', 'daylight', 'shade', 'cloudy', 'tungsten', 'whitefluorescent', 'flash', 'custom', 'colortemp', 'awbwhite'] },
  colortemperature: { value: 5200, ability: { min: 2500, max: 10000, step: 100 } },
  aeb: { value: '+0.0', ability: ['+0.0', '+0_1/3', '+0_2/3', '+1.0', '+1_1/3', '+1_2/3', '+2.0', '+2_1/3', '+2_2/3', '+3.0'] },
  wbshift: { value: { ba: 0, mg: 0 }, ability: { ba: { min: -9, max: 9, step: 1 }, mg: { min: -9, max: 9, step: 1 } } },
  wbbracket: { value: '0', ability: ['0', 'ba1', 'ba2', 'ba3', 'mg1', 'mg2', 'mg3'] },
  picturestyle: {
    value: 'auto',
    ability: ['standard', 'portrait', 'landscape', 'neutral', 'faithful', 'monochrome', 'auto', 'finedetail', 'userdef1', 'userdef2', 'userdef3'],
  },
};
