-- Loads the search benchmark's users :lo .. :hi (psql -v lo=.. -v hi=..), after bench/sql/functions.sql.
-- User 0 is the target: 10 sessions of 100 messages (1,000). Every other user: 10 sessions of 10 messages (100), so
-- users 1..10000 are 1,000,000 messages. The text is drawn from one vocabulary of 300 words (100 English, 100
-- Russian, 100 Italian) with a skew (word k of the list about as often as 1/sqrt(k)), 8..16 words a message, and one
-- message in ten also says "shipping cost": the words the benchmark searches for are as common in everyone else's
-- rows as in the target's, which is what would make a search that reads other users' postings slow.
-- Rows carry user_id already (as the service's APPEND writes it) where the schema has the column (V3 on; a V2 schema,
-- for the migration's lock time, has none); the caller drops and rebuilds V3's GIN indexes around a large load
-- (building once is much cheaper than maintaining them row by row).
\set ON_ERROR_STOP 1
SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'messages'::regclass AND attname = 'user_id' AND NOT attisdropped) AS has_owner \gset
\if :has_owner
\set owner_column ', user_id'
\set owner_value ', bench.user_id(p.u)'
\else
\set owner_column ''
\set owner_value ''
\endif
SELECT setseed(0.25);

CREATE TEMP TABLE vocab AS SELECT string_to_array(
  -- English (the first words of each list are the frequent ones)
  'order refund shipping delivery account payment invoice price return package customer support address ' ||
  'password login email cancel subscription discount coupon tracking warehouse product size color ' ||
  'replace broken damaged missing late early week month year today tomorrow yesterday help question answer ' ||
  'please thanks hello problem issue error screen phone laptop battery charger cable update version install ' ||
  'download upload file photo video music ticket flight hotel booking reservation train station airport ' ||
  'passport visa weather forecast rain snow recipe dinner lunch breakfast coffee tea bread cheese wine ' ||
  'garden house kitchen window door table chair lamp book library school teacher student exam homework ' ||
  'doctor hospital medicine ' ||
  -- Russian
  'доставка заказ возврат оплата счёт цена посылка клиент поддержка адрес пароль вход почта отмена подписка ' ||
  'скидка купон отслеживание склад товар размер цвет замена сломан повреждён пропал поздно рано неделя месяц ' ||
  'год сегодня завтра вчера помощь вопрос ответ пожалуйста спасибо привет проблема ошибка экран телефон ' ||
  'ноутбук батарея зарядка кабель обновление версия установка загрузка файл фото видео музыка билет рейс ' ||
  'гостиница бронь поезд вокзал аэропорт паспорт виза погода прогноз дождь снег рецепт ужин обед завтрак ' ||
  'кофе чай хлеб сыр вино сад дом кухня окно дверь стол стул лампа книга библиотека школа учитель студент ' ||
  'экзамен врач больница лекарство ' ||
  -- Italian
  'spedizione ordine rimborso consegna pagamento fattura prezzo reso pacco cliente assistenza indirizzo ' ||
  'parola accesso posta annullamento abbonamento sconto buono tracciamento magazzino prodotto taglia colore ' ||
  'sostituzione rotto danneggiato mancante tardi presto settimana mese anno oggi domani ieri aiuto domanda ' ||
  'risposta perfavore grazie ciao problema errore schermo telefono portatile batteria caricatore cavo ' ||
  'aggiornamento versione installazione scaricare file foto video musica biglietto volo albergo prenotazione ' ||
  'treno stazione aeroporto passaporto visto tempo previsione pioggia neve ricetta cena pranzo colazione ' ||
  'caffè tè pane formaggio vino giardino casa cucina finestra porta tavolo sedia lampada libro biblioteca ' ||
  'scuola insegnante studente esame compiti medico ospedale medicina', ' ') AS w;
-- The three lists interleaved, so English, Russian and Italian words are equally frequent at each rank.
CREATE TEMP TABLE words AS
SELECT array_agg(w ORDER BY rank, lang) AS w, count(*)::int AS n
  FROM (SELECT v.w, (o - 1) % 100 AS rank, (o - 1) / 100 AS lang FROM vocab, unnest(vocab.w) WITH ORDINALITY AS v(w, o)) x;

CREATE TEMP TABLE plan AS
SELECT u::bigint AS u, k, CASE WHEN u = 0 THEN 100 ELSE 10 END AS n,
       now() - interval '90 days' + random() * interval '89 days' AS created
  FROM generate_series(:lo, :hi) u, generate_series(1, 10) k;

INSERT INTO sessions (id, user_id, title, message_count, version, created_at, updated_at)
SELECT bench.session_id(p.u * 100000 + p.k), bench.user_id(p.u),
       (SELECT string_agg(v.w[1 + floor(v.n * random() ^ 2)::int], ' ') FROM words v, generate_series(1, 2 + p.k % 3)),
       p.n, 1 + p.n, p.created, p.created + p.n * interval '20 seconds'
  FROM plan p;

INSERT INTO messages (id, session_id, seq, role, content, created_at :owner_column)
SELECT bench.message_id(p.u * 100000 + p.k, s.seq), bench.session_id(p.u * 100000 + p.k), s.seq,
       CASE WHEN s.seq % 2 = 1 THEN 'user' ELSE 'assistant' END,
       c.text || CASE WHEN random() < 0.1 THEN ' shipping cost' ELSE '' END,
       p.created + s.seq * interval '20 seconds' :owner_value
  FROM plan p
 CROSS JOIN LATERAL generate_series(1, p.n) AS s(seq)
 CROSS JOIN LATERAL (SELECT string_agg(v.w[1 + floor(v.n * random() ^ 2)::int], ' ') AS text
                       FROM words v, generate_series(1, 8 + (s.seq + p.k) % 9)) AS c
 ORDER BY p.u, p.k, s.seq;
