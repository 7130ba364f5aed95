// The emoji people reach for, with their :shortcodes: (the names Slack and GitHub use).

export interface Emoji { char: string; names: string[] }

export const EMOJI: Emoji[] = [
  ["👍", "thumbsup +1 yes"], ["👎", "thumbsdown -1 no"], ["❤️", "heart love"], ["😂", "joy laughing"], ["😄", "smile happy"],
  ["🙂", "slightly_smiling_face"], ["😉", "wink"], ["😍", "heart_eyes"], ["🤔", "thinking"], ["😅", "sweat_smile"],
  ["😢", "cry sad"], ["😮", "open_mouth wow"], ["😡", "rage angry"], ["🙏", "pray thanks please"], ["👏", "clap"],
  ["🙌", "raised_hands"], ["💪", "muscle strong"], ["👀", "eyes looking"], ["🎉", "tada party"], ["🚀", "rocket ship"],
  ["🔥", "fire"], ["✅", "white_check_mark done check"], ["❌", "x cross"], ["⚠️", "warning"], ["💡", "bulb idea"],
  ["📌", "pushpin pin"], ["📎", "paperclip"], ["📝", "memo note"], ["🐛", "bug"], ["🛠️", "hammer_and_wrench tools"],
  ["⏰", "alarm_clock"], ["⌛", "hourglass wait"], ["☕", "coffee"], ["🍕", "pizza"], ["🤖", "robot agent bot"],
  ["🧠", "brain"], ["✨", "sparkles"], ["💯", "100 hundred"], ["👋", "wave hello"], ["🤝", "handshake"],
  ["😎", "sunglasses cool"], ["🥳", "partying_face"], ["😬", "grimacing"], ["🙈", "see_no_evil"], ["💬", "speech_balloon"],
  ["📈", "chart_with_upwards_trend"], ["📉", "chart_with_downwards_trend"], ["🔒", "lock"], ["⭐", "star"], ["➕", "heavy_plus_sign plus"],
].map(([char, names]) => ({ char, names: names.split(" ") }));

const byName = new Map(EMOJI.flatMap((e) => e.names.map((n) => [n, e.char] as const)));

/** :name: becomes its emoji where the name is known; anything else stays as typed ("8:30:00" too). */
export function replaceShortcodes(text: string): string {
  return text.replace(/:([a-z0-9_+-]{1,40}):/g, (m, name: string) => byName.get(name) ?? m);
}

export function findEmoji(query: string): Emoji[] {
  const q = query.trim().toLowerCase().replace(/:/g, "");
  if (!q) return EMOJI;
  return EMOJI.filter((e) => e.names.some((n) => n.includes(q)));
}
