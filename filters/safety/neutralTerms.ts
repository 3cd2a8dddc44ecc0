/**
 * Entries of the LDNOOBW word lists (npm `naughty-words`) that do not count as toxic on their own
 * (issue 14; docs/dedup-and-safety.md). Word lists remove text about minorities, sexual health and
 * history far more than abuse (Dodge et al. 2021, "Documenting C4"): the Japanese list holds 人種
 * (race) and 奴隷 (slave), so the Japanese Declaration of Human Rights was dropped. Four kinds:
 * - identity: names of groups of people (ethnicity, nationality, religion, gender, sexual
 *   orientation), and religious words and symbols;
 * - history: institutions, events and practices that history, law and news name (slavery,
 *   torture, Nazism, eunuchs);
 * - health: anatomy, sexual and reproductive health, bodily functions, drugs and medicines;
 * - everyday: words whose common meaning is neutral, listed for a slang sense (Persian کس
 *   "person", French jouir "to enjoy", Italian pesce "fish", Dutch pot "pot").
 * Slurs for these groups (e.g. "nigger", "kike", 짱깨, "ryssä") stay on the lists: they insult, they
 * do not name. Every entry here is an entry of its list (tests/toxicity-neutral-terms.test.ts).
 */

export type NeutralKind = 'identity' | 'history' | 'health' | 'everyday';

/** Per naughty-words list name, the entries of each kind that are not toxic on their own. */
export const NEUTRAL_TERMS: Readonly<Record<string, Partial<Record<NeutralKind, readonly string[]>>>> = {
  ar: {
    identity: ['خنثي', 'سحاق', 'سحاقية'],
    health: ['ثدي', 'حلمة', 'بظر', 'جماع', 'شرج', 'احتلام', 'سكس'],
    everyday: ['فرج', 'قضيب', 'شاذ', 'لعق', 'لحس', 'مص', 'تمص', 'بيضان', 'شهوة', 'مبادل', 'لبوة'],
  },
  cs: { everyday: ['žrát'] },
  da: { health: ['anus'] },
  de: {
    identity: ['mufti', 'bonze'],
    health: ['penis', 'orgasmus', 'nippel', 'onanieren'],
    everyday: ['rosette', 'kimme'],
  },
  en: {
    identity: ['gay sex', 'homoerotic'],
    history: ['negro', 'eunuch', 'swastika', 'neonazi', 'bondage', 'bastinado', 'strappado', 'sodomy'],
    health: [
      'anal', 'anus', 'clitoris', 'ejaculation', 'fecal', 'genitals', 'intercourse', 'masturbate', 'masturbating',
      'masturbation', 'nipple', 'nipples', 'orgasm', 'penis', 'pubes', 'rectum', 'sadism', 'semen', 'sex', 'sexual',
      'sexually', 'sexuality', 'vagina', 'vulva', 'xx', 'viagra', 'cialis',
    ],
    everyday: ['escort', 'domination', 'tied up', 'snatch', 'scat'],
  },
  es: {
    identity: ['travesti', 'racista'],
    history: ['nazi'],
    health: ['esperma', 'orina', 'semen', 'sexo', 'vulva', 'pezón', 'drogas', 'coprofagía'],
    everyday: ['asesinato', 'asno', 'concha', 'infierno', 'maldito', 'martillo', 'trio', 'maciza', 'heroína'],
  },
  fa: {
    health: ['ارگاسم', 'منی', 'سکس'],
    everyday: ['کس', 'تجاوز', 'سوپر', 'حشر', 'کوس'],
  },
  fi: {
    everyday: ['jätkä', 'muna', 'palli', 'pallit', 'panna', 'pano', 'pistää', 'reikä', 'tavara', 'viiksi', 'pipari', 'haahka', 'hatullinen', 'paljaalla'],
  },
  fr: {
    history: ['nègre'],
    health: ['clitoris'],
    everyday: ['baiser', 'bourré', 'bourrée', 'gerbe', 'folle', 'jouir', 'ramoner', 'tanche', 'pédale', 'bitte', 'péter'],
  },
  'fr-CA-u-sd-caqc': { identity: ['calice'] },
  hi: {
    identity: ['hijda', 'hijra'],
    everyday: ['kutta', 'suar', 'saala', 'maal', 'najayaz', 'pataka', 'patakha'],
  },
  hu: {
    identity: ['búr', 'búrok'],
    everyday: ['marha', 'marhák', 'marhákat', 'marhát'],
  },
  it: {
    identity: ['spagnola'],
    health: ['anale'],
    everyday: [
      'cadavere', 'bagnarsi', 'balle', 'battere', 'biga', 'fava', 'monta', 'montare', 'nave scuola', 'pesce', 'pompa',
      'porca', 'porco', 'quaglia', 'regina', 'tirare', 'vacca', 'cozza', 'sega', 'finocchio', 'vangare', 'rizzarsi',
    ],
  },
  ja: {
    identity: ['人種', '卍', 'レズビアン', '両性', '両性具有', '女の子', '女子高生', '人妻', 'ラティーナ', '女装', 'ゲイ・セックス'],
    history: ['奴隷', '拷問', '宦官', 'ネオ・ナチ'],
    health: [
      '直腸', '肛門', '膣', '生殖器', '精液', '射精', '陰毛', '大陰唇', '乳首', '勃起する', '夢精', '性交', 'ペニス', 'クリトリス',
      'マスターベーション', 'セックス', 'コカイン', '自己愛性', '糞便', 'おしっこ',
    ],
    everyday: ['支配', '嫌い', 'いたずら', 'ファンタジー', 'ラバー', 'エスコート', 'フック', 'なめ', '誘惑', '平手打ち', '噴出', '毛深い', '変態', 'お尻', 'おしり', 'オシリ', 'ランジェリー', '脱衣', '殺人事件', 'エクスタシー'],
  },
  ko: {
    history: ['고자', '야사'],
    health: ['섹스'],
    everyday: ['노모', '변태', '유모', '자위'],
  },
  nl: {
    health: ['bekken'],
    everyday: [
      'anita', 'asbak', 'balen', 'beurt', 'eikel', 'gat', 'griet', 'hol', 'johny', 'knor', 'matje', 'muts', 'nicht', 'paal',
      'palen', 'poot', 'pot', 'schatje', 'spuiten', 'standje', 'toeter', 'zuigen', 'zaadje', 'slempen', 'stootje', 'reutelen', 'buffelen', 'boemelen',
    ],
  },
  no: { identity: ['satan', 'helvete', 'helvetet'], everyday: ['sinnsykt'] },
  pl: { everyday: ['jajko', 'dmuchać'] },
  pt: {
    identity: ['bissexual', 'heterosexual', 'homem gay', 'homoerótico', 'homosexual', 'lésbica'],
    history: ['ariano'],
    health: ['aborto', 'ânus', 'camisinha', 'clitoris', 'cocaína', 'coito', 'fecal', 'heroína', 'mama', 'pênis'],
    everyday: ['amador', 'aranha', 'burro', 'cerveja', 'comer', 'frango assado', 'gozar', 'inferno', 'pinto', 'saco', 'torneira', 'pau', 'consolo', 'passar um cheque', 'veado'],
  },
  ru: {
    health: ['половое сношение', 'секс'],
    everyday: ['бугор', 'какая разница', 'другой дразнится', 'gol', 'byk', 'petuh'],
  },
  sv: { identity: ['satan', 'helvete'], everyday: ['hård', 'stake', 'sås'] },
  th: { everyday: ['กะปิ', 'หลั่ง'] },
  tr: {
    identity: ['çingene', 'Çingenede', 'Çingeneden', 'Çingeneler', 'Çingenelerde', 'Çingenelerden', 'Çingenelere', 'Çingeneleri', 'Çingenelerin', 'Çingenenin', 'Çingeneye', 'Çingeneyi'],
  },
  zh: {
    identity: ['性'],
    history: ['军妓'],
    health: [
      '乳房', '乳头', '卵子', '精子', '包皮', '外阴', '阴道', '阴茎', '阴部', '阴唇', '阴核', '阴毛', '陰莖', '月经', '射精', '性交', '性器', '性无能',
      '阳萎', '龟头', '交配', '花柳', '撒尿',
    ],
    everyday: ['乳', '奶', '处女', '卵', '成人', '激情', '祖宗', '老母', '老二', '私服', '刚度', '九游', '13.', '13点', '十三点', '屁股', '后庭', '玉杵', '鳩', '柒', '撚', '粉腸', '幹', '爛', '賤', '逼'],
  },
};

/** Every neutral entry of the given lists (list names as naughty-words has them). */
export function neutralTermsFor(lists: readonly string[]): string[] {
  return lists.flatMap((l) => Object.values(NEUTRAL_TERMS[l] ?? {}).flat());
}
